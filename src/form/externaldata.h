// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "xmlnode.h"

#include <QHash>

namespace survey::form {

struct ExternalDataError
{
    QString message;
    bool missing = false; ///< the file is not there (rather than unreadable or malformed)
};

/// Files a form's external instances are read from: held in memory (a server reading
/// them from its database never writes them to disk), else a folder.
struct MediaSource
{
    QString dir;
    const QHash<QString, QByteArray> *files = nullptr; ///< when set, the only source
};

/// Loads an external secondary instance (`jr://file/NAME.xml`, `jr://file-csv/NAME.csv`,
/// `jr://file/NAME.csv`, `jr://file/NAME.geojson`) from `media`. A CSV becomes
/// <root><item><col>…</col>…</item>…</root> with one child per header column.
std::unique_ptr<XmlDocument> loadExternalInstance(const QString &src, const MediaSource &media,
                                                  ExternalDataError *error);

/// A GeoJSON FeatureCollection as <root><item><geometry>lat lon alt 0</geometry>
/// <PROPERTY>…</PROPERTY>…</item>…</root> (lines and polygons as ';'-separated points).
std::unique_ptr<XmlDocument> geoJsonToInstance(const QByteArray &data, ExternalDataError *error);

/// Parses CSV text (RFC 4180 quoting; ',' or ';' chosen from the header line).
std::unique_ptr<XmlDocument> csvToInstance(const QByteArray &data, ExternalDataError *error);

} // namespace survey::form
