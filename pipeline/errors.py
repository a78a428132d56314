"""The project's own error types. Every message names the dataset and, where known, field and row."""

from __future__ import annotations


class PipelineError(Exception):
    """Base of every error the pipeline raises on purpose."""


class InvalidDatasetCode(PipelineError, ValueError):
    """A dataset code that is not `[a-z0-9_]+` (it would reach a URL or a path)."""


class EurostatError(PipelineError):
    """Talking to the Eurostat API failed."""

    def __init__(self, message: str, *, dataset: str | None = None, url: str | None = None):
        super().__init__(message)
        self.dataset = dataset
        self.url = url


class EurostatUnavailable(EurostatError):
    """Eurostat cannot be reached, answers with its 'sorry' page, HTML, or 5xx after retries."""


class UnknownDataset(EurostatError):
    """404: Eurostat does not know the dataset."""


class ExtractionTooBig(EurostatError):
    """413 EXTRACTION_TOO_BIG: filter more."""


class AsyncExtractionFailed(EurostatError):
    """Asynchronous delivery: EXPIRED, UNKNOWN_REQUEST, or the overall deadline passed."""


class UnexpectedResponse(EurostatError):
    """The body is not what was asked for (wrong format, truncated gzip, over the size cap)."""


class ParseError(PipelineError):
    """A data file that cannot be read as Eurostat data. Names dataset, line and column."""

    def __init__(
        self,
        message: str,
        *,
        dataset: str | None = None,
        line: int | None = None,
        column: str | None = None,
    ):
        where = []
        if dataset:
            where.append(f"dataset {dataset}")
        if line is not None:
            where.append(f"line {line}")
        if column:
            where.append(f"column {column!r}")
        super().__init__(f"{message} ({', '.join(where)})" if where else message)
        self.dataset = dataset
        self.line = line
        self.column = column


class ValidationFailed(PipelineError):
    """A Pandera schema rejected a table. Names dataset, rule and failing rows."""

    def __init__(self, message: str, *, dataset: str | None = None, failures=None):
        super().__init__(message)
        self.dataset = dataset
        self.failures = failures  # pandas.DataFrame of failure cases, when available


class CatalogueError(PipelineError):
    """The indicator catalogue is invalid, or an entry does not resolve against the data."""


class ReleaseError(PipelineError):
    """Publishing a release failed; the previous release is untouched."""


class SettingError(PipelineError, ValueError):
    """A setting the user chose (an environment variable, a make variable, a CLI option) is unusable.

    The message names the setting, the value, what is allowed and the fix, in one short paragraph:
    what a user sees of it is that message alone, never a traceback.
    """

    def __init__(self, setting: str, value: object, problem: str, *, allowed: str, fix: str):
        super().__init__(f"{setting}={value}: {problem}. Allowed: {allowed}. Fix: {fix}.")
        self.setting = setting
        self.value = value
        self.allowed = allowed
        self.fix = fix
