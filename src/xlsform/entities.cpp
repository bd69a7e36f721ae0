// SPDX-License-Identifier: GPL-3.0-or-later
// Where each entity's meta/entity goes. An entity is saved from the questions that name it in
// save_to and reads the questions its expressions reference; its block must sit in the
// deepest repeat those share (one entity per container), found the way pyxform finds it.
#include "builder.h"
#include "model.h"

#include <QHash>
#include <QRegularExpression>

namespace survey::xlsform {

namespace {

using Path = QList<const Element *>; // survey first, down to a container

Path containerPath(const Element *question)
{
    Path path;
    for (const Element *e = question->parent; e; e = e->parent)
        path.prepend(e);
    return path;
}

int repeatCount(const Path &p)
{
    int n = 0;
    for (const Element *e : p)
        n += e->kind == Kind::Repeat ? 1 : 0;
    return n;
}

/// The path cut after its last repeat; the survey alone when it has none.
Path boundary(const Path &p)
{
    for (qsizetype i = p.size() - 1; i >= 0; --i)
        if (p.at(i)->kind == Kind::Repeat)
            return p.mid(0, i + 1);
    return p.mid(0, 1);
}

bool isPrefix(const Path &prefix, const Path &p)
{
    return prefix.size() <= p.size() && p.mid(0, prefix.size()) == prefix;
}

QString pathText(const Path &p)
{
    QStringList names{QStringLiteral("survey")};
    for (qsizetype i = 1; i < p.size(); ++i)
        names.append(p.at(i)->name);
    return u'/' + names.join(u'/');
}

struct Ref
{
    Path path;
    int row = 0;
    bool saveTo = false;
    QString name;
};

struct Request
{
    int entity = 0;
    Path requested;
    Path scope;
    QList<Path> lineages;
};

void collect(const Element &e, QList<const Element *> *out)
{
    for (const auto &c : e.children) {
        out->append(c.get());
        collect(*c, out);
    }
}

QString saveToList(const QString &saveTo, const QString &only)
{
    return saveTo.contains(u'#') ? saveTo.section(u'#', 0, 0) : only;
}

} // namespace

void allocateEntities(Form &form)
{
    if (form.entities.isEmpty())
        return;
    QList<const Element *> elements;
    collect(*form.root, &elements);
    const QString only = form.entities.size() == 1 ? form.entities.first().dataset : QString();
    static const QRegularExpression ref(QStringLiteral("\\$\\{([^}]+)\\}"));

    QList<Request> requests;
    for (qsizetype i = 0; i < form.entities.size(); ++i) {
        const EntityDeclaration &d = form.entities.at(i);
        QSet<QString> names;
        for (const QString &x : {d.entityId, d.createIf, d.updateIf, d.label}) {
            auto it = ref.globalMatch(x);
            while (it.hasNext())
                names.insert(it.next().captured(1));
        }
        QList<Ref> refs;
        for (const Element *e : std::as_const(elements)) {
            if (!e->saveTo.isEmpty() && saveToList(e->saveTo, only) == d.dataset)
                refs.append(Ref{containerPath(e), e->row, true, e->name});
            if (names.contains(e->name))
                refs.append(Ref{containerPath(e), e->row, false, e->name});
        }
        Request request{int(i), {form.root.get()}, {form.root.get()}, {}};
        if (!refs.isEmpty()) {
            // The deepest scope: the boundary with the most repeats, the first on ties.
            const Ref *deepest = &refs.first();
            for (const Ref &r : refs)
                if (repeatCount(boundary(r.path)) > repeatCount(boundary(deepest->path)))
                    deepest = &r;
            const Path deepScope = boundary(deepest->path);
            QList<const Ref *> saveRefs;
            for (const Ref &r : refs) {
                if (!r.saveTo)
                    continue;
                saveRefs.append(&r);
                if (!request.lineages.contains(r.path))
                    request.lineages.append(r.path);
            }
            if (saveRefs.isEmpty()) {
                const Ref *best = nullptr;
                for (const Ref &r : refs)
                    if (boundary(r.path) == deepScope &&
                        (!best || r.path.size() > best->path.size()))
                        best = &r;
                request.requested = best->path;
            } else if (request.lineages.size() == 1) {
                request.requested = request.lineages.first();
            } else {
                qsizetype common = request.lineages.first().size();
                for (const Path &l : request.lineages) {
                    qsizetype n = 0;
                    while (n < std::min(common, l.size()) &&
                           l.at(n) == request.lineages.first().at(n))
                        ++n;
                    common = n;
                }
                const Path prefix = request.lineages.first().mid(0, common);
                const Ref *deepestSave = saveRefs.first();
                for (const Ref *r : saveRefs)
                    if (repeatCount(boundary(r->path)) > repeatCount(boundary(deepestSave->path)))
                        deepestSave = r;
                const Path b = boundary(deepestSave->path);
                const auto rank = [](const Path &p) {
                    return std::make_pair(repeatCount(p), p.size() - boundary(p).size());
                };
                request.requested = rank(prefix) > rank(b) ? prefix : b;
            }
            for (const Ref &r : refs) {
                const Path scope = boundary(r.path);
                if (!isPrefix(scope, deepScope)) {
                    if (r.saveTo)
                        fail(Place{QStringLiteral("survey"), r.row, QStringLiteral("save_to")},
                             XlsForm::tr(
                                 "The entity list '%1' is saved to from the container '%2', which "
                                 "does not fit with this save_to in '%3'. Copy the value into one "
                                 "container with a calculate question, and save that.")
                                 .arg(d.dataset, pathText(deepest->path), pathText(r.path)));
                    fail(Place{QStringLiteral("entities"), d.row, {}},
                         XlsForm::tr(
                             "The entity list '%1' is used in the container '%2', which does not "
                             "fit with the reference to '%3' in '%4'. Copy the value into one "
                             "container with a calculate question, and use that.")
                             .arg(d.dataset, pathText(deepest->path), r.name, pathText(r.path)));
                }
                if (r.saveTo && boundary(r.path) != boundary(request.requested))
                    fail(Place{QStringLiteral("survey"), r.row, QStringLiteral("save_to")},
                         XlsForm::tr(
                             "The entity list '%1' is saved to from the container '%2', which "
                             "does not fit with this save_to in '%3'. Copy the value into one "
                             "container with a calculate question, and save that.")
                             .arg(d.dataset, pathText(request.requested), pathText(r.path)));
            }
            request.scope = boundary(request.requested);
        }
        requests.append(request);
    }

    if (requests.size() == 1 && requests.first().scope.size() == 1) {
        form.entities.first().container = form.root.get();
        return;
    }
    QHash<const Element *, int> allocated, reserved;
    QList<Path> scopes;
    for (const Request &r : std::as_const(requests))
        if (!scopes.contains(r.scope))
            scopes.append(r.scope);
    for (const Path &scope : std::as_const(scopes)) {
        for (const Request &r : std::as_const(requests)) {
            if (r.scope != scope)
                continue;
            int conflict = -1;
            bool placed = false;
            for (Path p = r.requested; p.size() >= scope.size(); p.removeLast()) {
                const Element *node = p.last();
                const bool taken = allocated.contains(node) || reserved.contains(node);
                if (!taken) {
                    allocated.insert(node, r.entity);
                    form.entities[r.entity].container = node;
                    for (const Path &lineage : r.lineages)
                        for (Path l = lineage; l.size() >= p.size(); l.removeLast())
                            if (!reserved.contains(l.last()))
                                reserved.insert(l.last(), r.entity);
                    placed = true;
                    break;
                }
                conflict = allocated.contains(node) ? allocated.value(node) : reserved.value(node);
                if (!r.lineages.isEmpty() && reserved.contains(r.lineages.first().last()) &&
                    reserved.value(r.lineages.first().last()) != r.entity) {
                    conflict = reserved.value(r.lineages.first().last());
                    break;
                }
            }
            if (!placed)
                fail(Place{QStringLiteral("entities"), form.entities.at(r.entity).row, {}},
                     XlsForm::tr(
                         "Each container (survey, group or repeat) can hold only one entity, and "
                         "there is no free container in '%1': it went to the entity on row %2. "
                         "Check which entities the save_to column saves to, and which questions "
                         "the entities sheet references.")
                         .arg(pathText(scope))
                         .arg(conflict >= 0 ? form.entities.at(conflict).row : 0));
        }
    }
}

} // namespace survey::xlsform
