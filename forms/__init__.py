"""JSON-Schema forms: check a schema, validate data with Vietnamese messages, render HTML."""

from forms.problems import FieldError, SchemaProblem, nesting_depth
from forms.render import PaperSlot, describe_data, render_form, render_summary
from forms.schemas import check_schema
from forms.submission import FormSubmission, keep_read_only, parse_submission
from forms.validation import FormValidator, field_schema, validate_data

__all__ = [
    "FieldError",
    "FormSubmission",
    "FormValidator",
    "PaperSlot",
    "SchemaProblem",
    "check_schema",
    "describe_data",
    "field_schema",
    "keep_read_only",
    "nesting_depth",
    "parse_submission",
    "render_form",
    "render_summary",
    "validate_data",
]
