// SPDX-License-Identifier: GPL-3.0-or-later
#include "barcode.h"

#include "worker.h"

#include <QCoreApplication>
#include <QThreadPool>

#if SURVEY_HAVE_ZXING
#define ZX_USE_UTF8 1 // text() as UTF-8 (zxing-cpp 1.4 asks for this while it moves)
#include <ZXing/ReadBarcode.h>
#endif
#if SURVEY_HAVE_MULTIMEDIA
#include <QVideoFrame>
#endif

namespace survey::app {

bool barcodeReadingSupported()
{
    return SURVEY_HAVE_ZXING != 0;
}

BarcodeResult readBarcode(const QImage &picture)
{
#if SURVEY_HAVE_ZXING
    if (picture.isNull())
        return {};
    // Grey levels are all ZXing reads; a phone photo is made smaller first (codes stay
    // readable at this size, and reading a 12-megapixel picture takes seconds).
    QImage grey = picture;
    constexpr int maxSide = 1600;
    if (std::max(grey.width(), grey.height()) > maxSide)
        grey = grey.scaled(maxSide, maxSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    grey = grey.convertToFormat(QImage::Format_Grayscale8);
    const ZXing::ImageView view(grey.constBits(), grey.width(), grey.height(),
                                ZXing::ImageFormat::Lum, static_cast<int>(grey.bytesPerLine()));
    ZXing::DecodeHints hints;
    hints.setTryHarder(true);
    hints.setTryRotate(true);
    const ZXing::Result result = ZXing::ReadBarcode(view, hints);
    if (!result.isValid())
        return {};
    return {QString::fromStdString(result.text()),
            QString::fromLatin1(ZXing::ToString(result.format()))};
#else
    Q_UNUSED(picture);
    return {};
#endif
}

#if SURVEY_HAVE_MULTIMEDIA
BarcodeScanner::BarcodeScanner(QObject *parent)
    : QObject(parent)
{}

BarcodeScanner::~BarcodeScanner() = default;

void BarcodeScanner::setVideoSink(QVideoSink *sink)
{
    if (sink == m_sink)
        return;
    if (m_sink)
        disconnect(m_sink, nullptr, this, nullptr);
    m_sink = sink;
    if (m_sink)
        connect(m_sink, &QVideoSink::videoFrameChanged, this, &BarcodeScanner::frameArrived);
    Q_EMIT videoSinkChanged();
}

void BarcodeScanner::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    Q_EMIT activeChanged();
}

void BarcodeScanner::frameArrived(const QVideoFrame &frame)
{
    if (!m_active || m_busy || !frame.isValid())
        return;
    m_busy = true;
    Q_EMIT busyChanged();
    QPointer<BarcodeScanner> self(this); // checked on this (the GUI) thread only
    // The frame (shared, not copied) is turned into a picture and read off the GUI thread.
    QThreadPool::globalInstance()->start([self, frame] {
        const BarcodeResult result = readBarcode(frame.toImage());
        onThreadOf(QCoreApplication::instance(), [self, result] {
            if (!self)
                return;
            self->m_busy = false;
            Q_EMIT self->busyChanged();
            if (result.text.isEmpty() || !self->m_active)
                return;
            self->setActive(false);
            Q_EMIT self->found(result.text, result.format);
        });
    });
}
#endif

} // namespace survey::app
