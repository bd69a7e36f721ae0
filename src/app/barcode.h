// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QImage>
#include <QObject>
#include <QPointer>
#include <QQmlEngine>
#include <QString>
#if SURVEY_HAVE_MULTIMEDIA
#include <QVideoSink>
#endif

namespace survey::app {

/// What reading a picture found: the code's text and its format ("QRCode", "EAN-13", …),
/// or nothing (text empty).
struct BarcodeResult
{
    QString text;
    QString format;
};

/// Whether this build reads barcodes (ZXing was there when it was built).
bool barcodeReadingSupported();

/// Reads the first barcode in `image` (1D and 2D formats). Slow for large pictures: call
/// it off the GUI thread.
BarcodeResult readBarcode(const QImage &image);

#if SURVEY_HAVE_MULTIMEDIA
/// The live scanner: reads the frames a camera shows (through a VideoOutput's videoSink)
/// until one holds a code; `found` follows. One frame is read at a time, off the GUI
/// thread; frames that arrive meanwhile are skipped.
class BarcodeScanner : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QVideoSink *videoSink READ videoSink WRITE setVideoSink NOTIFY videoSinkChanged)
    Q_PROPERTY(bool active READ active WRITE setActive NOTIFY activeChanged)
    /// A frame is being read.
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
public:
    explicit BarcodeScanner(QObject *parent = nullptr);
    ~BarcodeScanner() override;

    QVideoSink *videoSink() const { return m_sink; }
    void setVideoSink(QVideoSink *sink);
    bool active() const { return m_active; }
    void setActive(bool active);
    bool busy() const { return m_busy; }

Q_SIGNALS:
    void videoSinkChanged();
    void activeChanged();
    void busyChanged();
    /// A code was read (the scanner stops: set active again for another).
    void found(const QString &text, const QString &format);

private:
    void frameArrived(const QVideoFrame &frame);

    QPointer<QVideoSink> m_sink;
    bool m_active = true;
    bool m_busy = false;
};
#endif

} // namespace survey::app
