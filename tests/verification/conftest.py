from tests.accounts.stand_ins import other_areas_stand_ins  # noqa: F401  (autouse, session)
