// SPDX-License-Identifier: GPL-3.0-or-later
#include "positioning.h"

#include <QCoreApplication>
#include <QFile>
#include <QGeoPositionInfoSource>
#include <QNmeaPositionInfoSource>

#include <cmath>

namespace survey::app {

Positioning *Positioning::s_instance = nullptr;

Positioning::Positioning(QObject *parent)
    : QObject(parent)
{
    if (!s_instance)
        s_instance = this;
    m_timeout.setSingleShot(true);
    m_timeout.setInterval(60000);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        if (m_best.isEmpty())
            stop(tr("No location found in %n second(s). Move outside or near a window and try "
                    "again, or type the location above.",
                    nullptr, m_timeout.interval() / 1000));
    });
}

Positioning::~Positioning()
{
    if (s_instance == this)
        s_instance = nullptr;
}

Positioning *Positioning::instance()
{
    if (!s_instance)
        s_instance = new Positioning(qApp);
    return s_instance;
}

Positioning *Positioning::create(QQmlEngine *, QJSEngine *)
{
    Positioning *p = instance();
    QJSEngine::setObjectOwnership(p, QJSEngine::CppOwnership);
    return p;
}

QGeoPositionInfoSource *Positioning::openSource()
{
    const QString nmea = qEnvironmentVariable("SURVEY_NMEA_FILE");
    if (nmea.isEmpty())
        return QGeoPositionInfoSource::createDefaultSource(this);
    // Replayed from its start for each search, as a receiver would send it.
    auto *file = new QFile(nmea);
    if (!file->open(QIODevice::ReadOnly)) {
        delete file;
        return nullptr;
    }
    auto *replay = new QNmeaPositionInfoSource(QNmeaPositionInfoSource::SimulationMode, this);
    file->setParent(replay);
    replay->setDevice(file);
    // Accuracy from the receiver's HDOP, times a typical range error of a consumer GNSS
    // receiver (5 m): without it NMEA gives no accuracy at all.
    replay->setUserEquivalentRangeError(5.0);
    return replay;
}

void Positioning::start(const QString &ref, qreal threshold)
{
    if (m_source) {
        m_source->stopUpdates();
        m_source->deleteLater();
        m_source = nullptr;
    }
    m_ref = ref;
    m_best.clear();
    m_accuracy = -1;
    m_threshold = threshold > 0 ? threshold : 5;
    m_problem.clear();
    m_source = openSource();
    if (!m_source) {
        stop(tr("This device has no positioning. Type the location above as latitude and "
                "longitude (for example 38.87 115.46)."));
        return;
    }
    connect(m_source, &QGeoPositionInfoSource::positionUpdated, this,
            &Positioning::positionUpdated);
    connect(m_source, &QGeoPositionInfoSource::errorOccurred, this,
            [this](QGeoPositionInfoSource::Error error) {
                if (error == QGeoPositionInfoSource::NoError ||
                    error == QGeoPositionInfoSource::UpdateTimeoutError)
                    return; // the time-out here says it, with what to do
                stop(error == QGeoPositionInfoSource::AccessError
                         ? tr("The app may not use the location: allow it in the device's "
                              "settings, or type the location above.")
                         : tr("The location cannot be found on this device: type it above."));
            });
    m_state = State::Searching;
    Q_EMIT changed();
    m_timeout.start();
    m_source->startUpdates();
}

void Positioning::positionUpdated(const QGeoPositionInfo &info)
{
    const QGeoCoordinate c = info.coordinate();
    if (m_state != State::Searching || !c.isValid())
        return;
    // An accuracy the receiver does not give is left out rather than written as a guess.
    const qreal accuracy = info.hasAttribute(QGeoPositionInfo::HorizontalAccuracy)
                               ? info.attribute(QGeoPositionInfo::HorizontalAccuracy)
                               : -1;
    // Only a better fix replaces the one shown (a fix without accuracy is not better).
    if (!m_best.isEmpty() && (accuracy < 0 || (m_accuracy >= 0 && accuracy >= m_accuracy)))
        return;
    const double altitude = std::isnan(c.altitude()) ? 0 : c.altitude();
    m_best = QStringLiteral("%1 %2 %3")
                 .arg(c.latitude(), 0, 'f', 7)
                 .arg(c.longitude(), 0, 'f', 7)
                 .arg(altitude, 0, 'f', 1);
    if (accuracy >= 0)
        m_best += QStringLiteral(" %1").arg(accuracy, 0, 'f', 1);
    m_accuracy = accuracy;
    Q_EMIT changed();
    if (accuracy >= 0 && accuracy <= m_threshold)
        accept();
}

void Positioning::accept()
{
    if (m_state != State::Searching || m_best.isEmpty())
        return;
    const QString ref = m_ref;
    const QString value = m_best;
    stop(QString());
    Q_EMIT found(ref, value);
}

void Positioning::cancel()
{
    if (m_state == State::Searching)
        stop(QString());
}

void Positioning::stop(const QString &problem)
{
    m_timeout.stop();
    if (m_source) {
        m_source->stopUpdates();
        m_source->deleteLater();
        m_source = nullptr;
    }
    m_state = State::Idle;
    m_problem = problem;
    if (!problem.isEmpty())
        m_best.clear();
    Q_EMIT changed();
}

} // namespace survey::app
