"""Every exception backstride raises on purpose.

    BackstrideError
      IngestError
        UnsupportedFormat
        CorruptFile
        NotAnActivity
        UnsafeInput
      AnswersError
        MissingRequiredAnswers
        InvalidAnswer
      KnowledgeBaseError
      StoreError
        SchemaOutOfDate
        NotFound
      ConfigError
      WriteError
      OptionalDependencyMissing
      VideoError
        NotAVideo
        UnreadableVideo
        ClipNotAnalysable
      DiaryError
        InvalidDiaryEntry
        DuplicateDiaryEntry

The CLI maps input problems (AnswersError, IngestError on a single file) to exit 2 and
the rest to exit 1; the web app maps them to 4xx/5xx in one handler.
"""

from __future__ import annotations

from collections.abc import Sequence


class BackstrideError(Exception):
    """Base of every error backstride raises deliberately."""


class IngestError(BackstrideError):
    """An activity file could not be read."""


class UnsupportedFormat(IngestError):
    """The file is not a format backstride reads."""


class CorruptFile(IngestError):
    """The file claims a known format but its content is broken."""


class NotAnActivity(IngestError):
    """A valid file that holds no activity (settings, monitoring, course, workout)."""


class UnsafeInput(IngestError):
    """Input that looks hostile: XML entity expansion, zip bombs, path traversal."""


class AnswersError(BackstrideError):
    """Self-check answers that do not fit the vocabulary."""


class MissingRequiredAnswers(AnswersError):
    """Safety-screen answers are missing; nothing may be assumed 'no'."""

    def __init__(self, missing: Sequence[str], *, where: str = "answers") -> None:
        self.missing = list(missing)
        super().__init__(
            f"{where}: missing required answers: {', '.join(self.missing)} — a "
            "non-interactive check needs every safety-screen answer"
        )


class InvalidAnswer(AnswersError):
    """An answer of the wrong type, outside its allowed values, or an unknown id."""


class KnowledgeBaseError(BackstrideError):
    """The knowledge base failed validation."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("knowledge base is invalid:\n" + "\n".join(self.problems))


class StoreError(BackstrideError):
    """The database could not do what was asked."""


class SchemaOutOfDate(StoreError):
    """The database schema is behind the code; run `backstride db upgrade`."""


class NotFound(StoreError):
    """A record asked for by id does not exist."""


class ConfigError(BackstrideError):
    """A setting has an unusable value."""


class WriteError(BackstrideError):
    """A file for the runner (backup, report, calendar, settings) could not be written:
    disk full, read-only or no permission. The old file, if any, is left as it was."""


class OptionalDependencyMissing(BackstrideError):
    """A feature needs an extra that is not installed."""

    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(f"{feature} needs an optional extra: pip install 'backstride[{extra}]'")


class VideoError(BackstrideError):
    """A clip that cannot be analysed, with the reason."""


class NotAVideo(VideoError):
    """The file is not a video container at all (or holds no video stream)."""


class UnreadableVideo(VideoError):
    """A video whose codec or content cannot be decoded (unknown codec, truncated file)."""


class ClipNotAnalysable(VideoError):
    """A readable clip that cannot give form figures: too short, no runner, not running."""


class DiaryError(BackstrideError):
    """A pain-diary entry that cannot be saved as given (nothing is written)."""


class InvalidDiaryEntry(DiaryError):
    """A value out of range, an unknown choice, or a date in the future."""


class DuplicateDiaryEntry(DiaryError):
    """An entry for the same date and kind exists already; the stored one is kept."""


class DiaryImportError(DiaryError):
    """A diary spreadsheet with problems: every bad row is named and nothing is imported."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"nothing imported: {len(problems)} problem(s) in the file\n  " + "\n  ".join(problems)
        )


class ExperimentError(BackstrideError):
    """An experiment that cannot be started, stopped or reported as asked."""
