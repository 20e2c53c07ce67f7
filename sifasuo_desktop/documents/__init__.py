"""Supervision documents (公文): content model, templates, grid layout, PDF and DOCX output.

The engine (model, templates, layout, pdf, docx_out, fonts) is importable without Qt and without the
database. `service` holds the store-side glue (drafting from records, numbering, issue, service, reply).
"""

from .model import DOC_TYPES, Document, Paragraph, Run, Table, format_cn_date, format_doc_no  # noqa: F401
