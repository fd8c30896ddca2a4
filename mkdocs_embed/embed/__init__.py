"""Text to vectors with onnxruntime."""

from .encoder import Encoder

__all__ = ["Encoder"]
