from calendar_service.domain.audit import diff_of


def test_only_changed_fields_appear_with_before_and_after() -> None:
    before = {"title": "Forum", "capacity": 50, "tags": ["a"], "location": {"city": "Accra", "country": "GH"}}
    after = {"title": "Forum", "capacity": 60, "tags": ["a", "b"], "location": {"city": "Kumasi", "country": "GH"}}
    assert diff_of(before, after) == {
        "capacity": [50, 60],
        "location.city": ["Accra", "Kumasi"],
        "tags": [["a"], ["a", "b"]],
    }


def test_creation_and_deletion_diff_against_nothing() -> None:
    assert diff_of(None, {"title": "X", "location": {"city": "Lima"}}) == {
        "location.city": [None, "Lima"],
        "title": [None, "X"],
    }
    assert diff_of({"status": "confirmed"}, None) == {"status": ["confirmed", None]}


def test_noise_is_left_out_and_secrets_are_redacted() -> None:
    before = {"updated_at": "1", "sequence": 1, "start_utc": "x", "feed_token": "abc", "name": "A"}
    after = {"updated_at": "2", "sequence": 2, "start_utc": "y", "feed_token": "def", "name": "A"}
    assert diff_of(before, after) == {"feed_token": ["***", "***"]}


def test_no_change_is_an_empty_diff() -> None:
    value = {"a": 1, "b": {"c": [1, 2]}}
    assert diff_of(value, dict(value)) == {}
