"""OCR engines behind one small interface (see `base.OcrEngine`)."""
