"""The read-only FHIR R4 view of a case, for NHS systems: its resources (`resources.py`) and
searches (`search.py`), served by `api/routers/fhir.py`."""
