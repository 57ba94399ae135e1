"""Paper text as a reader sees it: TeX text macros and math spans, as HTML or as plain text.

Pure functions below every other layer (paper.py, search/, web/ and mail use them):
``math`` finds the math spans, ``tex`` reads the text macros around them into styled
pieces, ``excerpt`` cuts pieces between words and never inside math, and ``html``
writes pieces as safe HTML with the math as MathML.
"""

from paperwire.text.tex import Piece, as_plain, pieces, plain_text

__all__ = ["Piece", "as_plain", "pieces", "plain_text"]
