-- Skill-requirement suggestions (issue 19, decision 052): the terms of a text, for a TF-IDF match of a
-- question's or case's text against the requirements of the certificate's published standard. Chinese
-- has no spaces: every run of Han characters gives its overlapping character pairs (bigrams); Latin
-- letters and digits give their lower-case words. Computed in SQL, no model, the same on PGlite and
-- PostgreSQL (no collation or locale involved: explicit code-point ranges).
CREATE FUNCTION text_terms(input text) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT w[1] FROM regexp_matches(lower(coalesce(input, '')), '[a-z0-9]{2,}', 'g') AS w
  UNION ALL
  SELECT substr(run, i, 2)
  FROM regexp_split_to_table(coalesce(input, ''), '[^一-鿿㐀-䶿]+') AS run
  CROSS JOIN LATERAL generate_series(1, char_length(run) - 1) AS i
  WHERE char_length(run) >= 2
$$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION text_terms(text) TO app_user;
