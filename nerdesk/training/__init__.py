"""Training: GlobalPointer models, encoders, tokenizers, data windows, loss, trainer (torch lives here)."""
