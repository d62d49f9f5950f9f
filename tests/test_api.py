import corroborate
from corroborate import errors

PUBLIC = {
    "Account", "Byline", "Capture", "CaptureOptions", "CollectionError", "CorroborateError",
    "CorruptInput", "Document", "EmptyInput", "Evidence", "Fact", "Incident", "IngestResult",
    "InputError", "LogDamaged", "MalformedInput", "Report", "SealError", "Segment", "Store",
    "Story", "StoryIncident", "StoryMember", "TooLarge", "UndecodableInput", "__version__",
    "assemble", "capture_bytes", "clean", "cluster", "compare", "extract", "fingerprint",
    "ingest", "process", "refresh_events", "refresh_stories", "reprocess", "write_csv",
    "write_event_csv", "write_event_jsonl", "write_jsonl",
}


def test_public_api_is_pinned():
    assert set(corroborate.__all__) == PUBLIC
    for name in PUBLIC:
        assert hasattr(corroborate, name), name


def test_every_error_derives_from_the_base_and_is_documented():
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.CorroborateError)
        assert name in (errors.__doc__ or ""), name
