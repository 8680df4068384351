import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryError } from "./errors.js";
import { fixtureNow, openFixture } from "./test-support/fixture.js";

/**
 * Queries of the kinds Log Analytics users write, one or more per family of Kusto's scalar functions and per
 * tabular operator. Each must answer or say "not supported: …" where it stands: never a wrong answer, never
 * an error of the engine's own making.
 */
const probes: readonly string[] = [
  'print s=strlen("hello"), u=toupper("ab"), l=tolower("AB")',
  'print substring("abcdef", 2, 3)',
  'print indexof("abcabc", "c"), indexof("abcabc", "c", 3)',
  'print reverse("abc")',
  'print trim(" ", "  x  "), trim_start("x", "xxa"), trim_end("a", "baa")',
  'print replace_string("aXbX", "X", "-")',
  'print replace_regex("abc123", @"\\d", "#")',
  'print countof("aaa", "a"), countof("abab", "a.", "regex")',
  'print extract_all(@"(\\d+)", "a1b22c333")',
  'print extract(@"(\\d+)", 1, "abc42")',
  'print split("a,b,c", ","), split("a,b,c", ",", 1)',
  'print strcat_array(dynamic([1,2,3]), "-")',
  'print strrep("ab", 3), strrep("ab", 3, ",")',
  'print isempty(""), isnotempty("x"), isnull(int(null))',
  "print has_any_index(\"this is an example\", dynamic(['this', 'example']))",
  'print indexof_regex("abc123", @"\\d")',
  'print string_size("h\u00e9llo")',
  'print translate("abc", "x", "abc")',
  'print url_encode("a b&c")',
  'print url_decode("a%20b")',
  'print parse_url("https://user:pass@host.com:8080/p/a?x=1&y=2#frag")',
  'print parse_urlquery("a=1&b=2")',
  'print base64_encode_tostring("hello"), base64_decode_tostring("aGVsbG8=")',
  'print hash_md5("hello"), hash_sha256("hello"), hash_sha1("hello")',
  'print hash("World"), hash("World", 100)',
  'print hash_xxhash64("World")',
  'print gettype(1), gettype("a"), gettype(now()), gettype(dynamic([1]))',
  'print tostring(1.5), toint("42"), tolong("42"), toreal("1.5"), todouble("2.5")',
  'print todecimal("1.25"), toguid("74be27de-1e4e-49d9-b579-fe0b331d3642")',
  'print tobool("true"), toboolean("false")',
  'print todatetime("2026-11-22T08:00:00Z"), totimespan("01:02:03")',
  "print todynamic('{\"a\":1}'), parse_json('[1,2]')",
  'print coalesce(int(null), 2, 3), coalesce("", "b")',
  'print iff(1 > 2, "a", "b"), case(1 > 2, "a", 2 > 1, "b", "c")',
  "print now(), ago(1h), datetime(2026-01-01)",
  "print startofday(datetime(2026-11-22 08:30)), endofday(datetime(2026-11-22 08:30))",
  "print startofweek(datetime(2026-11-22)), endofweek(datetime(2026-11-22)), startofmonth(datetime(2026-11-22)), endofmonth(datetime(2026-11-22)), startofyear(datetime(2026-11-22)), endofyear(datetime(2026-11-22))",
  "print startofday(datetime(2026-11-22), -1), startofmonth(datetime(2026-11-22), 1)",
  'print datetime_diff("day", datetime(2026-11-22), datetime(2026-11-01)), datetime_add("month", 1, datetime(2026-01-31))',
  "print dayofweek(datetime(2026-11-22)), dayofmonth(datetime(2026-11-22)), dayofyear(datetime(2026-11-22)), getmonth(datetime(2026-11-22)), getyear(datetime(2026-11-22)), hourofday(datetime(2026-11-22 08:00)), monthofyear(datetime(2026-11-22)), week_of_year(datetime(2026-11-22))",
  'print format_datetime(datetime(2026-11-22 08:05:03), "yyyy-MM-dd HH:mm:ss")',
  'print format_timespan(time(1.02:03:04.5), "d.hh:mm:ss")',
  "print unixtime_seconds_todatetime(1700000000), unixtime_milliseconds_todatetime(1700000000000)",
  "print unixtime_microseconds_todatetime(1700000000000000), unixtime_nanoseconds_todatetime(1700000000000000000)",
  'print datetime_utc_to_local(datetime(2026-11-22), "Europe/Berlin")',
  "print make_datetime(2026, 11, 22), make_datetime(2026, 11, 22, 8, 30, 0)",
  "print make_timespan(1, 2, 3)",
  "print totimespan(1h) / 1m, 1d / 1h",
  "print bin(datetime(2026-11-22 08:37), 15m), bin(17, 5), bin_at(datetime(2026-11-22 08:37), 1h, datetime(2026-11-22 00:30))",
  "print floor(7.5, 2.0), ceiling(7.2), round(3.14159, 2), abs(-3), sign(-2)",
  "print sqrt(16), exp(1), exp2(3), exp10(2), log(10), log2(8), log10(100), pow(2, 10)",
  "print pi(), isnan(real(nan)), isinf(real(+inf)), isfinite(1.0)",
  "print max_of(1, 5, 3), min_of(1, 5, 3)",
  "print rand() < 1.0",
  "print 7 % 3, 7 / 2, 7.0 / 2",
  "print sin(0), cos(0), tan(0), atan2(1, 1), degrees(pi()), radians(180)",
  "print gamma(5), loggamma(5)",
  "print binary_and(12, 10), binary_or(12, 10), binary_xor(12, 10), binary_not(0), binary_shift_left(1, 4), binary_shift_right(16, 2)",
  "print bitset_count_ones(255)",
  "print array_length(dynamic([1,2,3])), array_concat(dynamic([1]), dynamic([2]))",
  "print array_slice(dynamic([1,2,3,4]), 1, 2), array_reverse(dynamic([1,2,3]))",
  "print array_sort_asc(dynamic([3,1,2])), array_sort_desc(dynamic([3,1,2]))",
  'print array_index_of(dynamic(["a","b"]), "b"), array_sum(dynamic([1,2,3]))',
  "print array_split(dynamic([1,2,3,4]), 2)",
  "print array_shift_left(dynamic([1,2,3]), 1), array_rotate_left(dynamic([1,2,3]), 1)",
  "print array_iff(dynamic([true,false]), dynamic([1,2]), dynamic([3,4]))",
  "print set_has_element(dynamic([1,2]), 2), set_union(dynamic([1,2]), dynamic([2,3])), set_intersect(dynamic([1,2]), dynamic([2,3])), set_difference(dynamic([1,2]), dynamic([2,3]))",
  'print bag_keys(dynamic({"a":1,"b":2})), bag_merge(dynamic({"a":1}), dynamic({"b":2}))',
  'print bag_remove_keys(dynamic({"a":1,"b":2}), dynamic(["a"])), bag_set_key(dynamic({"a":1}), "b", 2)',
  'print bag_has_key(dynamic({"a":1}), "a")',
  'print pack("a", 1, "b", "x"), bag_pack("k", 2), pack_array(1, 2, 3)',
  'print d=dynamic({"a":{"b":[10,20]}}) | extend x=d.a.b[1], y=d["a"]["b"][0]',
  'print zip(dynamic([1,2]), dynamic(["a","b"]))',
  "print repeat(1, 3)",
  "print range(1, 5, 2)",
  'print treepath(dynamic({"a":{"b":1}}))',
  'print ipv4_is_private("10.1.2.3"), ipv4_is_private("8.8.8.8")',
  'print ipv4_is_in_range("10.1.2.3", "10.1.0.0/16"), ipv4_is_match("10.1.2.3", "10.1.2.0", 24)',
  'print parse_ipv4("10.1.2.3"), parse_ipv4_mask("10.1.2.3", 24), format_ipv4(167838211), format_ipv4_mask("10.1.2.3", 24)',
  'print ipv4_compare("10.1.2.3", "10.1.2.4"), ipv4_netmask_suffix("10.1.2.0/24")',
  'print ipv4_is_in_any_range("10.1.2.3", "192.168.0.0/16", "10.0.0.0/8")',
  'print has_ipv4("src 10.1.2.3 dst", "10.1.2.3"), has_ipv4_prefix("10.1.2.3", "10.1."), has_any_ipv4("a 10.1.2.3", dynamic(["10.1.2.3"])), has_any_ipv4_prefix("10.1.2.3", dynamic(["10."]))',
  'print ipv6_compare("::1", "::1"), ipv6_is_match("::ffff:7f00:1", "127.0.0.1"), parse_ipv6("127.0.0.1"), parse_ipv6_mask("::1", 64)',
  'print ipv6_is_in_range("fe80::1", "fe80::/10"), ipv6_is_in_any_range("fe80::1", "fe80::/10")',
  "print format_bytes(1024), format_bytes(1500000, 1)",
  'print isascii("abc"), isutf8("abc")',
  'print to_utf8("ab"), unicode_codepoints_to_string(65, 66)',
  'print strcmp("a", "b")',
  'print not(true), "abc" contains "b", "abc" !contains "z", "ABC" contains_cs "A", "abc" startswith "a", "abc" endswith "c"',
  'print "hello world" has "world", "hello world" hasprefix "wor", "hello world" hassuffix "rld", "abc" matches regex "b.", "ABC" =~ "abc", "a" in ("a","b"), "A" in~ ("a"), "x" !in ("a")',
  'print "abc" has_any ("x", "abc"), "a b c" has_all ("a", "b"), 5 between (1 .. 10), 5 !between (6 .. 10)',
  "print series_stats_dynamic(dynamic([1,2,3]))",
  "print series_fir(dynamic([1,2,3]), dynamic([1,1]))",
  "print welch_test(1, 1, 10, 1, 1, 10)",
  "print tohex(255), tohex(255, 4)",
  "print geo_distance_2points(0.0, 0.0, 1.0, 1.0)",
  "print geo_point_to_s2cell(-122.3, 47.6, 10)",
  "print current_cluster_endpoint()",
  "print cursor_current()",
  "VMConnection | take 3",
  "VMConnection | project-keep Computer, Direction | take 2",
  "VMConnection | project-reorder Direction | take 1",
  "VMConnection | summarize count() by Computer | top 3 by count_",
  "VMConnection | summarize c=count() by bin(TimeGenerated, 1h) | order by TimeGenerated asc",
  "VMConnection | summarize dcount(RemoteIp), make_set(Direction), arg_max(TimeGenerated, *) by Computer | take 2",
  'VMConnection | summarize countif(Direction == "outbound"), sumif(BytesSent, Direction == "outbound"), avgif(BytesSent, true) by Computer | take 2',
  "VMConnection | summarize percentile(BytesSent, 95), percentiles(BytesSent, 50, 90) by Computer | take 2",
  "VMConnection | summarize stdev(BytesSent), variance(BytesSent), min(TimeGenerated), max(TimeGenerated) | take 1",
  'VMConnection | summarize dcountif(RemoteIp, Direction == "outbound") by Computer | take 2',
  "VMConnection | summarize hll(RemoteIp) by Computer | take 1",
  "VMConnection | summarize tdigest(BytesSent) | take 1",
  "VMConnection | summarize count_distinct(RemoteIp)",
  'VMConnection | summarize minif(BytesSent, Direction=="outbound"), maxif(BytesSent, Direction=="outbound")',
  "VMConnection | summarize avg(BytesSent) by Computer, bin(TimeGenerated, 30m) | render timechart",
  'VMConnection | where RemoteIp != "" | summarize count() by RemoteIp | sort by count_ desc | take 5',
  "VMConnection | extend h = hash_sha256(Computer) | project h | take 1",
  "VMConnection | distinct Computer | count",
  "VMConnection | sample 3 | count",
  "VMConnection | sample-distinct 3 of Computer | count",
  "VMConnection | top-hitters 3 of Computer",
  "VMConnection | top-nested 2 of Computer by count(), top-nested 1 of Direction by count()",
  "VMConnection | project Computer, TimeGenerated | serialize | extend rn=row_number() | take 3",
  "VMConnection | summarize count() by Computer | evaluate pivot(Computer)",
  "VMConnection | summarize count() by Computer, Direction | evaluate pivot(Direction, sum(count_))",
  'VMConnection | take 1 | project d=pack("a", 1, "b", 2) | evaluate bag_unpack(d)',
  "VMConnection | take 2 | evaluate narrow()",
  "VMConnection | take 1 | getschema",
  'VMConnection | project Computer | parse Computer with "web-" n:int * | take 2',
  'VMConnection | project Computer | parse kind=regex Computer with @"(?<tier>[a-z]+)-" rest | take 2',
  'VMConnection | project Computer | parse kind=relaxed Computer with a "-" b:int | take 2',
  'VMConnection | project Computer | parse-where Computer with "web-" n | take 2',
  'print s="a=1, b=2" | parse-kv s as (a:int, b:int) with (pair_delimiter=",", kv_delimiter="=")',
  "VMConnection | take 2 | mv-apply p=pack_array(1,2) to typeof(long) on (summarize s=sum(p))",
  "VMConnection | take 1 | mv-expand x=range(1,3,1) | project x",
  "VMConnection | take 1 | mv-expand kind=array x=pack_array(1,2) | project x",
  "VMConnection | summarize by Computer | lookup kind=leftouter (VMComputer | project Computer, OperatingSystemFullName) on Computer | take 2",
  "VMConnection | summarize by Computer | lookup (VMComputer | summarize by Computer, HostName) on Computer | take 2",
  "VMConnection | summarize by Computer | join hint.strategy=broadcast (VMComputer | summarize by Computer) on Computer | count",
  "VMConnection | summarize by Computer | join kind=leftouter hint.shufflekey=Computer (VMComputer | summarize by Computer) on Computer | count",
  "VMConnection | summarize by Computer | join kind=fullouter (VMComputer | summarize by Computer) on $left.Computer == $right.Computer | count",
  "union withsource=T VMConnection, VMBoundPort | summarize count() by T",
  "union kind=outer VMComputer, VMProcess | take 1 | count",
  "union kind=inner VMComputer, VMProcess | take 1",
  "union isfuzzy=true VMComputer, NoSuchTable | count",
  "union VM* | count",
  "VMConnection | facet by Computer, Direction",
  "range x from 1 to 5 step 2",
  "range t from datetime(2026-11-22) to datetime(2026-11-22 03:00) step 1h",
  "VMConnection | make-series c=count() default=0 on TimeGenerated from datetime(2026-11-22 05:00) to datetime(2026-11-22 08:00) step 1h by Direction",
  "VMConnection | make-series c=count() on TimeGenerated step 1h",
  "VMConnection | make-series avg(BytesSent) on TimeGenerated in range(datetime(2026-11-22 05:00), datetime(2026-11-22 08:00), 1h)",
  "VMConnection | make-series c=count() on TimeGenerated step 1h | mv-expand c, TimeGenerated",
  "VMConnection | make-series c=count() on TimeGenerated step 30m | extend s=series_stats(c)",
  "VMConnection | make-series c=count() on TimeGenerated step 30m | extend (a, b) = series_decompose_anomalies(c)",
  'VMConnection | scan with (step s1: Direction == "outbound";)',
  'VMConnection | as T | where Computer != "" | count',
  'let f = (t:string) { strcat(t, "!") }; print f("a")',
  "let T = VMConnection | take 5; T | union T | count",
  "let n = 3; VMConnection | take n | count",
  "VMConnection | where TimeGenerated > ago(1h) | summarize count()",
  'VMConnection | where Computer in~ ("WEB-01") | count',
  'VMConnection | where Computer has_cs "web" | count',
  'VMConnection | where Computer matches regex "^web" | count',
  'VMConnection | where * has "outbound" | count',
  'search "outbound" | count',
  'search in (VMConnection) Direction == "outbound" | count',
  "VMConnection | extend ipInfo = geo_info_from_ip_address(RemoteIp) | take 1",
  "VMConnection | summarize count() by Computer | extend pct = round(100.0 * count_ / toscalar(VMConnection | count), 2)",
  "VMConnection | summarize arg_min(TimeGenerated, Computer) ",
  "VMConnection | project-rename Host=Computer | take 1 | project Host",
  "VMConnection | project-away BytesSent, BytesReceived | take 1",
  "VMConnection | project-away Bytes* | take 1",
  "VMConnection | extend b = tostring(BytesSent) | summarize any(b)",
  "VMConnection | order by Computer asc nulls first, TimeGenerated desc | take 2",
  "VMConnection | summarize count() by Computer | order by count_ | limit 3",
  'VMConnection | take 3 | extend x = iif(Direction == "inbound", 1, 0) | summarize sum(x)',
  "VMConnection | summarize count() by tostring(Direction)",
  "VMConnection | extend day = startofday(TimeGenerated) | summarize count() by day",
  'VMConnection | extend hr = datetime_part("hour", TimeGenerated) | summarize count() by hr',
  "VMConnection | summarize c=count() by Computer | where c > 10 | extend rank = row_rank_dense(c) | take 3",
  "VMConnection | summarize c=count() by Computer | order by c desc | extend rk = row_rank_min(c) | take 3",
  "VMConnection | summarize c=count() by Computer | order by c desc | extend prevc = prev(c), nextc = next(c) | take 3",
  "VMConnection | summarize c=count() by Computer | serialize cs=row_cumsum(c) | take 3",
  "VMProcess | summarize by ExecutableName | take 5",
  "VMBoundPort | summarize count() by Port | top 5 by count_",
  "Heartbeat | summarize LastHb=max(TimeGenerated) by Computer | where LastHb < ago(5m)",
  'InsightsMetrics | where Namespace == "Processor" | summarize avg(Val) by Computer, bin(TimeGenerated, 5m) | take 3',
  'InsightsMetrics | extend t = todynamic(Tags) | extend m = t["vm.azm.ms/mountId"] | take 1',
  "ServiceMapComputer_CL | take 1",
  "ServiceMapProcess_CL | take 1",
  "Usage | summarize sum(Quantity) by DataType",
  "print x=1 | extend y = x * 2 | project-away x",
  "print d = datetime(2026-11-22) | extend w = week_of_year(d)",
  'datatable(a:int, b:string)[1, "x", 2, "y"] | where a > 1',
  "datatable(a:dynamic)[dynamic([1,2])] | mv-expand a",
  "print r = range(1, 3) | mv-expand r to typeof(int)",
  'print s = "a|b" | extend p = split(s, "|")[0]',
  'print format_timespan(2h, "hh:mm")',
  'print tostring(1h), tostring(datetime(2026-11-22)), tostring(dynamic({"a":1}))',
  'print toupper(strcat("a", 1, true))',
  "print x = int(5), y = long(6), z = real(1.5), d = decimal(1.5), t = timespan(1d), g = guid(74be27de-1e4e-49d9-b579-fe0b331d3642), b = bool(true)",
  'print 1 == 1.0, "a" != "b", 2 >= 1',
  'print columnifexists("x", 1)',
  "print toscalar(print 5)",
  "print ingestion_time()",
];

/** Answers worked out by hand from Kusto's documentation. */
const expected: readonly (readonly [string, unknown[]])[] = [
  [
    `print extract_all(@"(\\d+)", "a set of numbers: 123, 567 and 789"), extract_all(@"(\\d+)", "abc")`,
    ['["123","567","789"]', null],
  ],
  [
    `print url_encode("https://www.bing.com/hello world"), url_encode("a~b é*()!")`,
    ["https%3a%2f%2fwww.bing.com%2fhello+world", "a%7eb+%c3%a9*()!"],
  ],
  [
    `print base64_decode_tostring("aGVsbG8="), hash_sha1("hello")`,
    ["hello", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"],
  ],
  [
    `print gettype("a"), gettype(111), gettype(1==1), gettype(now()), gettype(1s), gettype(parse_json('1')), gettype(parse_json(' "abc" ')), gettype(parse_json(' {"abc":1} ')), gettype(parse_json(' [1, 2, 3] ')), gettype(123.45), gettype(guid(12e8b78d-55b4-46ae-b068-26d7a0080254)), gettype(parse_json(''))`,
    [
      "string",
      "long",
      "bool",
      "datetime",
      "timespan",
      "int",
      "string",
      "dictionary",
      "array",
      "real",
      "guid",
      "null",
    ],
  ],
  [`print tobool("true"), toboolean("false")`, [true, false]],
  [
    `print week_of_year(datetime(2026-11-22)), week_of_year(datetime(2020-12-31)), week_of_year(datetime(2021-01-01))`,
    [47, 53, 53],
  ],
  [
    `print unixtime_seconds_todatetime(1700000000), unixtime_milliseconds_todatetime(1700000000000), unixtime_seconds_todatetime(1546300800.5), unixtime_microseconds_todatetime(1700000000000000), unixtime_nanoseconds_todatetime(1700000000123456789)`,
    [
      "2023-11-14T22:13:20Z",
      "2023-11-14T22:13:20Z",
      "2019-01-01T00:00:00.5Z",
      "2023-11-14T22:13:20Z",
      "2023-11-14T22:13:20.123456Z",
    ],
  ],
  [
    `print make_datetime(2026, 11, 22), make_datetime(2026, 11, 22, 8, 30, 1.5), make_datetime(2026, 2, 30)`,
    ["2026-11-22T00:00:00Z", "2026-11-22T08:30:01.5Z", null],
  ],
  [
    `print exp2(3), exp10(2), pi(), isinf(real(+inf)), gamma(5), sin(0), cos(0), degrees(pi()), radians(180)`,
    [8, 100, Math.PI, true, 24, 0, 1, 180, Math.PI],
  ],
  [`print binary_and(12, 10), binary_or(12, 10), binary_xor(12, 10), binary_not(0)`, [8, 14, 6, -1]],
  [`print strcmp("a", "b"), strcmp("b", "a"), strcmp("a", "a"), isnotnull(new_guid())`, [-1, 1, 0, true]],
  [
    `print array_slice(dynamic([1,2,3,4]), 1, 2), array_slice(dynamic([1,2,3,4]), -2, -1), array_slice(dynamic([1,2,3]), 5, 6)`,
    ["[2,3]", "[3,4]", "[]"],
  ],
  [`print array_index_of(dynamic(["a","b"]), "b"), array_index_of(dynamic([1,2]), 5)`, [1, -1]],
  [`print bag_has_key(dynamic({"a":1}), "a"), bag_has_key(dynamic({"a":1}), "b")`, [true, false]],
  [
    `print ipv4_is_in_any_range("10.1.2.3", "192.168.0.0/16", "10.0.0.0/8"), ipv4_is_in_any_range("11.1.2.3", "192.168.0.0/16", "10.0.0.0/8")`,
    [true, false],
  ],
  [`print columnifexists("x", 1)`, [1]],
  [
    `print split("aa_bb", "_"), split("aaa_bbb_ccc", "_", 1), split("", "_"), split("a__b", "_"), split("a,b", ",", 5)`,
    ['["aa","bb"]', '["bbb"]', '[""]', '["a","","b"]', "[]"],
  ],
  [
    `print log(5), log(-1), log10(-1), log2(-1), sqrt(-1), sqrt(16)`,
    [1.6094379124341003, null, null, null, null, 4],
  ],
  [
    `print substring("123456", 1), substring("123456", 2, 2), substring("ABCD", 0, 2), substring("123456", -2, 2)`,
    ["23456", "34", "AB", "56"],
  ],
  [
    `print indexof("Hello, world, hello!", "lo", 5), indexof("abcdefg", "cde"), indexof("abc", "z", 1)`,
    [17, 2, -1],
  ],
  [
    `print countof("aaa", "a"), countof("aaaa", "aa"), countof("ababa", "ab", "normal"), countof("ababa", "aba"), countof("ababa", "aba", "regex"), countof("abcabc", "a.c", "regex"), countof("abcdefedcba", "[abc]", "regex"), countof("abc1234abcd1234", "[0-9]+", "regex")`,
    [3, 3, 2, 2, 1, 2, 6, 2],
  ],
  [
    `print format_datetime(datetime(2026-01-01 13:04:05.123456), "yyyy-MM-dd HH:mm:ss.fffffff"), format_datetime(datetime(2026-01-01 13:04:05.123456), "hh:mm:ss.ffffff tt")`,
    ["2026-01-01 13:04:05.1234560", "01:04:05.123456 PM"],
  ],
  [
    `print datetime_utc_to_local(datetime(2026-11-22), "Europe/Berlin"), datetime_utc_to_local(datetime(2026-07-22 10:00), "America/New_York")`,
    ["2026-11-22T01:00:00Z", "2026-07-22T06:00:00Z"],
  ],
  [
    `print tohex(256), tohex(-256), tohex(toint(-256), 8), tohex(256, 8), tohex(256, 2), unicode_codepoints_to_string(75, 117, 115, 116, 111), array_reverse(dynamic([1,"a",{"b":2}]))`,
    ["100", "ffffffffffffff00", "ffffff00", "00000100", "100", "Kusto", '[{"b":2},"a",1]'],
  ],
  [
    `print range(1, 8, 3), range(1, 3), range(5, 1, -2), range(3, 1)`,
    ["[1,4,7]", "[1,2,3]", "[5,3,1]", "[]"],
  ],
  [`print r = range(1, 1000000000) | mv-expand r | count`, [1048576]],
  [
    `print ipv4_is_match("10.1.2.3", "10.1.2.0", 24), ipv4_is_match("10.1.2.3", "10.1.2.0"), ipv4_is_match("192.168.1.1/24", "192.168.1.255/24"), ipv4_compare("10.1.2.3", "10.1.2.4"), ipv4_compare("192.168.1.1", "192.168.1.255", 24), parse_ipv4_mask("127.2.3.4", 24), parse_ipv4("10.1.2.300"), ipv4_is_match("x", "10.1.2.3")`,
    [true, false, true, -1, 0, 2130838272, null, null],
  ],
];

let fixture: Awaited<ReturnType<typeof openFixture>>;
beforeAll(async () => {
  fixture = await openFixture();
});
afterAll(() => fixture.close());

describe("every probe answers or is refused as not supported", () => {
  it.each(probes)("%s", async (query) => {
    try {
      await fixture.engine.run(query, { now: fixtureNow });
    } catch (error) {
      expect(error).toBeInstanceOf(QueryError);
      const refusal = error as QueryError;
      expect(refusal.code, refusal.message).toBe("NotSupported");
      expect(refusal.message).toMatch(/^not supported: .*\(line \d+, column \d+\)/s);
    }
  });
});

describe("probes answer as Kusto does", () => {
  it.each(expected)("%s", async (query, row) => {
    const result = await fixture.engine.run(query, { now: fixtureNow });
    expect(result.tables[0]?.rows).toEqual([row]);
  });
});

describe("union of tables named by a wildcard", () => {
  it("reads every table the pattern matches, and only those", async () => {
    const count = async (query: string): Promise<unknown> =>
      (await fixture.engine.run(query, { now: fixtureNow })).tables[0]?.rows[0]?.[0];
    const each = await Promise.all(
      ["VMComputer", "VMConnection", "VMProcess", "VMBoundPort"].map((t) => count(`${t} | count`)),
    );
    const total = each.reduce((sum: number, n) => sum + (n as number), 0);
    expect(await count("union VM* | count")).toBe(total);
    const bySource = await fixture.engine.run("union withsource=T VMC* | summarize by T | order by T asc", {
      now: fixtureNow,
    });
    expect(bySource.tables[0]?.rows).toEqual([["VMComputer"], ["VMConnection"]]);
  });
});
