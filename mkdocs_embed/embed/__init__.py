"""Text to vectors with onnxruntime."""

from .encoder import Encoder, shared_encoder

__all__ = ["Encoder", "shared_encoder"]
