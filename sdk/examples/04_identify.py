"""Enrol people in a large person group, train it (a long-running operation), identify a face.

    python sdk/examples/04_identify.py
"""

from __future__ import annotations

import uuid

from _env import endpoint, need, photo
from visage import FaceClient, RecognitionModel

MODEL = RecognitionModel.RECOGNITION_04
PEOPLE = {
    "Barack Obama": ["people/obama/obama.jpg", "people/obama/obama1.jpg"],
    "Joe Biden": ["people/biden/biden.jpg"],
}


def main() -> None:
    group_id = f"example-{uuid.uuid4().hex[:8]}"
    with FaceClient(endpoint(), need("VISAGE_KEY")) as client:
        groups = client.large_person_groups
        groups.create(group_id, "Example group", recognition_model=MODEL)
        try:
            names = {}
            for name, paths in PEOPLE.items():
                person = groups.persons.create(group_id, name)
                names[person.person_id] = name
                for path in paths:
                    groups.faces.add(group_id, person.person_id, photo(path))
            print(f"enrolled {len(names)} people in {group_id}:",
                  ", ".join(p.name for p in groups.persons.list(group_id)))  # a pager: pages fetched lazily

            poller = groups.begin_train(group_id)  # 202 Accepted; the poller follows operation-Location
            print(f"training, operation {poller.operation_id} ...")
            print(f"training {poller.result(timeout=120).status.value}")  # polls at the server's Retry-After

            query = client.detect(photo("people/obama/obama2.jpg"), recognition_model=MODEL)[0].face_id
            assert query is not None
            for result in client.identify_from_large_person_group([query], group_id):
                for candidate in result.candidates:
                    print(f"face {result.face_id[:8]}... is {names[candidate.person_id]} "
                          f"(confidence {candidate.confidence:.2f})")
        finally:
            groups.delete(group_id)


if __name__ == "__main__":
    main()
