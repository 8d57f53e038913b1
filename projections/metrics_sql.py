"""The one statement that tallies a period's service metrics in the metrics read model.

PostgreSQL does the per-case work (docs/metrics.md defines each figure), so what comes back is
a handful of counts and, for the medians, one value per case of the period: the answer does not
grow with the history kept. `KNOWN(t)` stands for "the version of table t known at
%(known_at)s" (`history.known_at`); days are judged by when things occurred, a time's day in the
session's time zone, as `::date` gives it (compared on the column itself, where the planner has
its statistics). Parameters: known_at, first and last (the period's days), every (the
supervision interval in days), audit_days, return_days, and area, age_band and kind where the
scope names them.
"""

import re

from projections import history

# The cases in scope, their key workers, those standing closed and open on the last day, and the
# open cases each practitioner is key worker to on the last day, in a role of the kind in scope.
SCOPED = """
scoped AS MATERIALIZED (
  SELECT c.case_id, c.route, c.referred_on, c.previous_case_id FROM {schema}.{p}cases c
  WHERE KNOWN(c) {scope}
),
key_workers AS MATERIALIZED (
  SELECT w.case_id, w.seq, w.practitioner_id, w.kind, w.from_date, w.until
  FROM {schema}.{p}periods w JOIN scoped USING (case_id)
  WHERE w.role = 'key_worker' AND KNOWN(w)
),
standing_closed AS MATERIALIZED (
  SELECT l.case_id, max(l.closed_on) AS closed_on
  FROM {schema}.{p}closures l JOIN scoped USING (case_id)
  WHERE KNOWN(l) AND l.closed_on <= %(last)s
    AND (l.reopened_on IS NULL OR l.reopened_on > %(last)s)
  GROUP BY l.case_id
),
open_cases AS MATERIALIZED (
  SELECT s.case_id FROM scoped s LEFT JOIN standing_closed x USING (case_id)
  WHERE s.referred_on <= %(last)s AND x.case_id IS NULL
),
loads AS MATERIALIZED (
  SELECT w.practitioner_id, count(*) AS cases FROM key_workers w JOIN open_cases USING (case_id)
  WHERE w.from_date <= %(last)s AND (w.until IS NULL OR w.until >= %(last)s)
    AND w.practitioner_id IS NOT NULL {kind_of_role}
  GROUP BY w.practitioner_id
)"""

# A case is of the kind of the last of its key workers to start by the period's last day.
KIND_OF_CASE = """
  AND %(kind)s = (SELECT w.kind FROM {schema}.{p}periods w
    WHERE w.case_id = c.case_id AND w.role = 'key_worker' AND w.from_date <= %(last)s
      AND KNOWN(w) ORDER BY w.seq DESC LIMIT 1)"""

REFERRALS = """
SELECT coalesce(json_object_agg(route, n), json_build_object()) FROM (
  SELECT route, count(*) AS n FROM scoped
  WHERE referred_on BETWEEN %(first)s AND %(last)s GROUP BY route) x"""

DAYS_TO_KEY_WORKER = """
SELECT coalesce(json_agg(first_one.from_date - s.referred_on), json_build_array())
FROM scoped s JOIN (
  SELECT DISTINCT ON (w.case_id) w.case_id, w.from_date FROM key_workers w
  ORDER BY w.case_id, w.seq
) first_one USING (case_id)
WHERE first_one.from_date BETWEEN %(first)s AND %(last)s"""

APPROACHES = """
SELECT coalesce(json_object_agg(answer, n), json_build_object()) FROM (
  SELECT a.answer, count(*) AS n FROM {schema}.{p}approaches a JOIN scoped USING (case_id)
  WHERE KNOWN(a) AND a.approached_on BETWEEN %(first)s AND %(last)s GROUP BY a.answer) x"""

OPEN_CASES = """
SELECT json_build_array(count(DISTINCT o.case_id), count(DISTINCT w.case_id))
FROM open_cases o LEFT JOIN key_workers w ON w.case_id = o.case_id
  AND w.from_date <= %(last)s AND (w.until IS NULL OR w.until >= %(last)s)"""

# Judged over the window from the later of the period's start and the agreement in force to
# the earlier of the period's end and the case's closure: the gaps between the last contact
# before the window (or the agreement), each contact in it, and its end.
CONTACTS_ON_TIME = """
WITH agreement AS (
  SELECT DISTINCT ON (a.case_id) a.case_id, a.signed_on, a.contact_every_days AS every
  FROM {schema}.{p}agreements a JOIN scoped USING (case_id)
  WHERE KNOWN(a) AND a.signed_on <= %(last)s
  ORDER BY a.case_id, a.signed_on DESC, a.recorded_from DESC
), judged AS (
  SELECT g.case_id, g.signed_on, g.every, greatest(%(first)s, g.signed_on) AS start,
    coalesce(x.closed_on, %(last)s) AS finish
  FROM agreement g JOIN scoped s USING (case_id) LEFT JOIN standing_closed x USING (case_id)
  WHERE s.referred_on <= %(last)s
), anchors AS (
  SELECT j.case_id, coalesce((
    SELECT max(t.occurred_at) FROM {schema}.{p}contacts t
    WHERE t.case_id = j.case_id AND KNOWN(t) AND t.occurred_at < (j.start + 1)::timestamptz
  )::date, j.signed_on) AS day
  FROM judged j WHERE j.finish >= j.start
  UNION ALL
  SELECT t.case_id, t.occurred_at::date FROM {schema}.{p}contacts t JOIN judged j USING (case_id)
  WHERE KNOWN(t) AND t.occurred_at >= %(first)s::timestamptz
    AND t.occurred_at < (%(last)s + 1)::timestamptz
    AND t.occurred_at >= (j.start + 1)::timestamptz AND t.occurred_at < (j.finish + 1)::timestamptz
  UNION ALL
  SELECT j.case_id, j.finish FROM judged j WHERE j.finish >= j.start
), worst AS (
  SELECT case_id, max(gap) AS gap FROM (
    SELECT case_id, day - lag(day) OVER (PARTITION BY case_id ORDER BY day) AS gap FROM anchors
  ) gaps GROUP BY case_id
)
SELECT json_build_array(count(*), count(*) FILTER (WHERE w.gap <= j.every))
FROM judged j JOIN worst w USING (case_id)"""

# Each review held after another, against the next review date that one set.
REVIEWS_ON_TIME = """
SELECT json_build_array(count(*), count(*) FILTER (WHERE held_on <= due)) FROM (
  SELECT r.held_on, lag(r.next_review_on) OVER (
    PARTITION BY r.case_id ORDER BY r.held_on, r.recorded_from) AS due
  FROM {schema}.{p}reviews r JOIN scoped USING (case_id)
  WHERE KNOWN(r) AND r.held_on IS NOT NULL
) held WHERE due IS NOT NULL AND held_on BETWEEN %(first)s AND %(last)s"""

# The plans signed in the period, and for each whose every copy was sent, the seconds from
# signing to the last copy.
PLANS = """
SELECT json_build_array(count(*), coalesce(
  json_agg(extract(epoch FROM sent.last - p.signed_at)) FILTER (WHERE sent.last IS NOT NULL),
  json_build_array()))
FROM {schema}.{p}plans p JOIN scoped USING (case_id) LEFT JOIN LATERAL (
  SELECT max(c.at) AS last FROM {schema}.{p}plan_copies c
  WHERE c.case_id = p.case_id AND c.plan_version = p.plan_version AND KNOWN(c)
  HAVING bool_and(c.sent)
) sent ON true
WHERE KNOWN(p) AND p.signed_at >= %(first)s::timestamptz
  AND p.signed_at < (%(last)s + 1)::timestamptz"""

KEY_WORKER_CHANGES = """
SELECT json_build_array(count(*), count(*) FILTER (WHERE outgoing_until >= from_date)) FROM (
  SELECT w.from_date, lag(w.seq) OVER turn AS outgoing, lag(w.until) OVER turn AS outgoing_until
  FROM key_workers w WINDOW turn AS (PARTITION BY w.case_id ORDER BY w.seq)
) changes WHERE outgoing IS NOT NULL AND from_date BETWEEN %(first)s AND %(last)s"""

# Per reason: the closures in the period, and those audited within the days allowed.
CLOSURES = """
SELECT coalesce(json_object_agg(reason, json_build_array(n, audited)), json_build_object())
FROM (
  SELECT l.reason, count(*) AS n,
    count(*) FILTER (WHERE l.audited_on <= l.closed_on + %(audit_days)s) AS audited
  FROM {schema}.{p}closures l JOIN scoped USING (case_id)
  WHERE KNOWN(l) AND l.closed_on BETWEEN %(first)s AND %(last)s GROUP BY l.reason) x"""

CASELOADS = "SELECT json_build_array(count(*), coalesce(sum(cases), 0), max(cases)) FROM loads"

# Referrals naming a previous case closed within the return window before; reopenings.
RETURNS = """
SELECT json_build_array(
  (SELECT count(*) FROM scoped s
   WHERE s.previous_case_id IS NOT NULL AND s.referred_on BETWEEN %(first)s AND %(last)s
     AND EXISTS (SELECT FROM {schema}.{p}closures l
       WHERE l.case_id = s.previous_case_id AND KNOWN(l)
         AND l.closed_on BETWEEN s.referred_on - %(return_days)s AND s.referred_on)),
  (SELECT count(*) FROM {schema}.{p}closures l JOIN scoped USING (case_id)
   WHERE KNOWN(l) AND l.reopened_on BETWEEN %(first)s AND %(last)s))"""

# A contact's functions carry its day as known with them (the version a correction wrote), so
# the period's are read by index on it, without the contacts.
FUNCTIONS = """
SELECT coalesce(json_object_agg(served, n), json_build_object()) FROM (
  SELECT f.function AS served, count(*) AS n
  FROM {schema}.{p}contact_functions f JOIN scoped USING (case_id)
  WHERE KNOWN(f) AND f.occurred_at >= %(first)s::timestamptz
    AND f.occurred_at < (%(last)s + 1)::timestamptz
  GROUP BY f.function) x"""

# The change from each case's first scores to its last, for the cases last measured in the
# period with an earlier measurement: per area (the sum and how many), and each case's mean
# change over its areas (their mean, and how many). Of two scores of one area on one day, the
# later recorded.
DISTANCE_TRAVELLED = """
WITH scored AS (
  SELECT o.case_id, o.area, o.measured_on, o.score, o.recorded_from,
    min(o.measured_on) OVER whole_case AS first_day, max(o.measured_on) OVER whole_case AS last_day
  FROM {schema}.{p}outcome_scores o JOIN scoped USING (case_id)
  WHERE KNOWN(o) WINDOW whole_case AS (PARTITION BY o.case_id)
), ends AS (
  SELECT DISTINCT ON (case_id, area, measured_on) case_id, area, score,
    measured_on = last_day AS is_last
  FROM scored
  WHERE last_day BETWEEN %(first)s AND %(last)s AND first_day <> last_day
    AND measured_on IN (first_day, last_day)
  ORDER BY case_id, area, measured_on, recorded_from DESC
), changes AS (
  SELECT case_id, area, sum(CASE WHEN is_last THEN score ELSE -score END) AS change
  FROM ends GROUP BY case_id, area HAVING count(*) = 2
)
SELECT json_build_array(
  (SELECT coalesce(json_object_agg(area, json_build_array(total, n)), json_build_object())
   FROM (SELECT area, sum(change) AS total, count(*) AS n FROM changes GROUP BY area) x),
  (SELECT json_build_array(avg(mean), count(*)) FROM (
     SELECT sum(change)::numeric / count(*) AS mean FROM changes GROUP BY case_id) y))"""

# Per course, the practitioners of the caseloads whose training in it was current on the day.
TRAINED = """
SELECT coalesce(json_object_agg(course, n), json_build_object()) FROM (
  SELECT t.course, count(DISTINCT t.practitioner_id) AS n
  FROM {schema}.{p}trainings t JOIN loads USING (practitioner_id)
  WHERE KNOWN(t) AND t.completed_on <= %(last)s
    AND (t.expires_on IS NULL OR t.expires_on >= %(last)s)
  GROUP BY t.course) x"""

SUPERVISED = """
SELECT count(DISTINCT l.practitioner_id) FROM loads l
JOIN {schema}.{p}supervisions v USING (practitioner_id)
WHERE KNOWN(v) AND v.held_on > %(last)s - %(every)s AND v.held_on <= %(last)s"""

QUESTIONNAIRES_SENT = """
SELECT coalesce(sum(i.copies), 0) FROM {schema}.{p}feedback_invitations i
JOIN scoped USING (case_id)
WHERE KNOWN(i) AND i.sent_on BETWEEN %(first)s AND %(last)s"""

# Answers carry an area and the month their questionnaire was sent, no case: how many, and per
# question the sum and number of its answers.
ANSWERS = """
WITH answered AS (
  SELECT a.answers FROM {schema}.{p}feedback_answers a
  WHERE KNOWN(a) {area_of_answer}
    AND (a.month || '-01')::date BETWEEN %(first)s AND %(last)s
)
SELECT json_build_array((SELECT count(*) FROM answered), (
  SELECT coalesce(json_object_agg(question, json_build_array(total, n)), json_build_object())
  FROM (
    SELECT q.key AS question, sum(q.value::int) AS total, count(*) AS n
    FROM answered, jsonb_each_text(answered.answers) q GROUP BY q.key) x))"""

TALLIES = {
    "referrals": REFERRALS,
    "days_to_key_worker": DAYS_TO_KEY_WORKER,
    "approaches": APPROACHES,
    "open_cases": OPEN_CASES,
    "contacts_on_time": CONTACTS_ON_TIME,
    "reviews_on_time": REVIEWS_ON_TIME,
    "plans": PLANS,
    "key_worker_changes": KEY_WORKER_CHANGES,
    "closures": CLOSURES,
    "caseloads": CASELOADS,
    "returns": RETURNS,
    "functions": FUNCTIONS,
    "distance_travelled": DISTANCE_TRAVELLED,
    "trained": TRAINED,
    "supervised": SUPERVISED,
    "questionnaires_sent": QUESTIONNAIRES_SENT,
}


def statement(area: bool, age_band: bool, kind: bool, answers: bool) -> str:
    """The statement for a scope naming an area, an age band or a kind of key worker (any of
    them), each tally a column; the answers to questionnaires a column too when counted."""
    scope = (
        ("AND c.area = %(area)s" if area else "")
        + (" AND c.age_band = %(age_band)s" if age_band else "")
        + (KIND_OF_CASE if kind else "")
    )
    tallies = TALLIES | ({"answers": ANSWERS} if answers else {})
    columns = ",\n".join(f"({query}\n) AS {name}" for name, query in tallies.items())
    text = (
        ("WITH " + SCOPED + "\nSELECT " + columns)
        .replace("{scope}", scope)
        .replace("{kind_of_role}", "AND w.kind = %(kind)s" if kind else "")
        .replace("{area_of_answer}", "AND a.area = %(area)s" if area else "")
    )
    return re.sub(r"KNOWN\((\w+)\)", lambda table: f"({history.known_at(table[1])})", text)
