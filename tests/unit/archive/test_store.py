"""Items' values as their columns hold them: what a change is compared with, what is bound."""
import uuid

from psycopg.types.json import Jsonb

from shared import rows
from services.archive import store


def test_a_speakers_person_id_is_compared_as_its_json_holds_it():
    person = uuid.uuid4()
    stored = {"speakers": [{"name": "Ayşe", "person_id": str(person)}, {"name": "Guest", "person_id": None}],
              "topics": ["gender_equality"]}
    same = {"speakers": [{"name": "Ayşe", "person_id": person}, {"name": "Guest", "person_id": None}],
            "topics": ["gender_equality"]}
    assert rows.changed(stored, store.as_stored(same)) == {}
    assert rows.changed(stored, store.as_stored({**same, "topics": ["hr_management"]})) == {"topics": ["hr_management"]}


def test_only_the_json_columns_are_bound_as_json():
    bound = store.to_db({"title": {"tr": "Başlık"}, "speakers": [], "topics": ["a"], "language": "tr"})
    assert isinstance(bound["title"], Jsonb) and isinstance(bound["speakers"], Jsonb)
    assert bound["topics"] == ["a"] and bound["language"] == "tr"
