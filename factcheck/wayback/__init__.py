"""Web archives: the CDX fallback that verifies a quote in the capture nearest the citation date
(`check --archive`), and Save Page Now captures (`factcheck archive`).
"""
