"""The demonstration: the real Loriol protocol plus fictitious people, one per role, and a
fictitious 2020-2022 programming (calls, applications, decisions, conventions, bilans).

Every person and association here is fictitious and says so in its name; the password is
public (README). Never load the demo on a production instance. The demo is the top floor: it
calls the apps' services and nothing imports it.

- `data/`: the Loriol protocol, as published (`SOURCE.md`);
- `clock`: `frozen_at`, the fictitious moment at which each step calls the services;
- `people`: the administrator and one person per role (`DEMO_PEOPLE`, `DEMO_PASSWORD`), and
  the fictitious associations' organisations;
- `catalogue`: the fictitious associations, their actions and each year's fates;
- `applications`: one application's steps, from the draft to the closing;
- `programming`: the calls and the year-by-year generation (`load_programming`);
- `services`: `load`, what `load_demo` runs.
"""
