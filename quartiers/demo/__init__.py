"""The demonstration: the real Loriol protocol plus fictitious people, one per role, and a
fictitious programming dated from the load day (calls, applications, decisions, conventions,
bilans): three past calls, one in instruction, one open for filing.

Every person and association here is fictitious and says so in its name; the password is
public (README). Never load the demo on a production instance. The demo is the top floor: it
calls the apps' services and nothing imports it.

- `data/`: the Loriol protocol, as published (`SOURCE.md`);
- `calendar`: the dates of the demo's calls, relative to the load day (`DemoCalendar`);
- `clock`: `frozen_at`, the fictitious moment at which each step calls the services;
- `people`: the administrator and one person per role (`DEMO_PEOPLE`, `DEMO_PASSWORD`), and
  the fictitious associations' organisations;
- `catalogue`: the fictitious associations, their actions and each year's fates;
- `applications`: one application's steps, from the draft to the closing;
- `programming`: the calls and the year-by-year generation (`load_programming`);
- `services`: `load`, what `load_demo` runs.
"""
