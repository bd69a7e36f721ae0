// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QQmlEngine>
#include <QTimer>

class QGeoPositionInfo;
class QGeoPositionInfoSource;

namespace survey::app {

/// Finding a location for a geopoint question, as ODK Collect's location dialog does: the
/// receiver is listened to while the person waits, each better fix is shown with its
/// accuracy, a fix as accurate as the question asks (5 m unless it says otherwise) is
/// taken at once, and the best so far can be taken by hand. Without any fix before the
/// time-out, or without positioning on the device, it says what to do instead.
///
/// The receiver is the system's, or an NMEA file replayed (SURVEY_NMEA_FILE: desktops
/// without a receiver, tests).
class Positioning : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(State state READ state NOTIFY changed)
    /// The question being located ("" when idle).
    Q_PROPERTY(QString ref READ ref NOTIFY changed)
    /// The best fix so far: "lat lon altitude accuracy" ("" before the first).
    Q_PROPERTY(QString best READ best NOTIFY changed)
    /// Its accuracy in metres (-1: none yet, or the receiver gives none).
    Q_PROPERTY(qreal accuracy READ accuracy NOTIFY changed)
    /// Why the last search ended without a location, in the app's language.
    Q_PROPERTY(QString problem READ problem NOTIFY changed)

public:
    enum class State {
        Idle,      ///< not looking
        Searching, ///< listening to the receiver
    };
    Q_ENUM(State)

    /// One per process (instance()); QML gets it through create().
    explicit Positioning(QObject *parent);
    ~Positioning() override;
    static Positioning *create(QQmlEngine *, QJSEngine *);
    static Positioning *instance();

    State state() const { return m_state; }
    QString ref() const { return m_ref; }
    QString best() const { return m_best; }
    qreal accuracy() const { return m_accuracy; }
    QString problem() const { return m_problem; }

    /// Starts looking for the question `ref`; `threshold` metres (<= 0: 5 m) is accurate
    /// enough to be taken without asking.
    Q_INVOKABLE void start(const QString &ref, qreal threshold = 0);
    /// Takes the best fix so far (found() follows) and stops.
    Q_INVOKABLE void accept();
    /// Stops without an answer.
    Q_INVOKABLE void cancel();
    /// How long a search waits for a first fix (60 s).
    void setTimeout(int milliseconds) { m_timeout.setInterval(milliseconds); }

Q_SIGNALS:
    void changed();
    /// A location for the question `ref`.
    void found(const QString &ref, const QString &value);

private:
    void stop(const QString &problem);
    void positionUpdated(const QGeoPositionInfo &info);
    QGeoPositionInfoSource *openSource();

    QGeoPositionInfoSource *m_source = nullptr;
    State m_state = State::Idle;
    QString m_ref;
    QString m_best;
    qreal m_accuracy = -1;
    qreal m_threshold = 5;
    QString m_problem;
    QTimer m_timeout;
    static Positioning *s_instance;
};

} // namespace survey::app
