SELECT CASE WHEN length('a') > 0 THEN CAST(len(list_filter(range(1, length('aaa') - length('a') + 2),
    i -> substring('aaa', i, length('a')) = 'a')) AS BIGINT) END AS "a", CASE WHEN length('aa') > 0 THEN CAST(len(list_filter(range(1, length('aaaa') - length('aa') + 2),
    i -> substring('aaaa', i, length('aa')) = 'aa')) AS BIGINT) END AS "b", CASE WHEN length('ab') > 0 THEN CAST(len(list_filter(range(1, length('ababa') - length('ab') + 2),
    i -> substring('ababa', i, length('ab')) = 'ab')) AS BIGINT) END AS "c", CASE WHEN length('aba') > 0 THEN CAST(len(list_filter(range(1, length('ababa') - length('aba') + 2),
    i -> substring('ababa', i, length('aba')) = 'aba')) AS BIGINT) END AS "d", CAST(len(regexp_extract_all('ababa', 'aba')) AS BIGINT) AS "e", CAST(len(regexp_extract_all('abcabc', 'a.c')) AS BIGINT) AS "f" FROM (SELECT 1 AS __row) AS t0
