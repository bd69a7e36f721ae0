// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "xmlnode.h"

namespace survey::form {

struct ExternalDataError
{
    QString message;
    bool missing = false; ///< the file is not there (rather than unreadable or malformed)
};

/// Loads an external secondary instance (`jr://file/NAME.xml`, `jr://file-csv/NAME.csv`,
/// `jr://file/NAME.csv`, `jr://file/NAME.geojson`) from `mediaDir`. A CSV becomes
/// <root><item><col>…</col>…</item>…</root> with one child per header column.
std::unique_ptr<XmlDocument> loadExternalInstance(const QString &src, const QString &mediaDir,
                                                  ExternalDataError *error);

/// A GeoJSON FeatureCollection as <root><item><geometry>lat lon alt 0</geometry>
/// <PROPERTY>…</PROPERTY>…</item>…</root> (lines and polygons as ';'-separated points).
std::unique_ptr<XmlDocument> geoJsonToInstance(const QByteArray &data, ExternalDataError *error);

/// Parses CSV text (RFC 4180 quoting; ',' or ';' chosen from the header line).
std::unique_ptr<XmlDocument> csvToInstance(const QByteArray &data, ExternalDataError *error);

} // namespace survey::form
