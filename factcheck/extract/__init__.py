"""Bytes to text: HTML (BeautifulSoup/lxml) and PDF (pypdf) into a `SourceText` with metadata,
paragraphs and page offsets.
"""
