/* vnfctl's pure parts behind the guest agent: SHA-256 (FIPS 180-2 vectors, updates split at
 * every offset), base64 (RFC 4648 vectors, round trips of every length 0..300, rejection of
 * bad input) and the status view (hand-made readings: missing or mistyped members show as 0,
 * rates from the change of the dataplane's own uptime). */
#include <stdlib.h>
#include "check.h"
#include "xorshift.h"
#include "base64.h"
#include "sha256.h"
#include "status_view.h"

/* ---- SHA-256 ------------------------------------------------------------------------- */

static void hex_of(const uint8_t d[SHA256_LEN], char hex[2 * SHA256_LEN + 1])
{
	for (int i = 0; i < SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static void check_sha(const void *buf, size_t len, const char *want)
{
	char hex[2 * SHA256_LEN + 1];

	sha256_hex(buf, len, hex);
	CHECK_STR(hex, want);
}

static void test_sha256_fips_vectors(void)
{
	static const char abc_448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	check_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_sha(abc_448, 56, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	check_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* NULL with length 0 is the empty message too */
	check_sha(NULL, 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_sha256_million_a(void)
{
	static const char want[] =
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	char *a = malloc(1000000), hex[2 * SHA256_LEN + 1];
	uint8_t d[SHA256_LEN];
	struct sha256 s;

	memset(a, 'a', 1000000);
	check_sha(a, 1000000, want);
	/* the same in pieces that never line up with the 64-byte blocks */
	sha256_init(&s);
	for (size_t off = 0, step = 1; off < 1000000; off += step, step = step % 97 + 1)
		sha256_update(&s, a + off, off + step > 1000000 ? 1000000 - off : step);
	sha256_final(&s, d);
	hex_of(d, hex);
	CHECK_STR(hex, want);
	free(a);
}

/* Two and three updates split at every pair of offsets of a 150-byte message (crossing the
 * 55/56/64-byte padding boundaries and a second block) give the one-shot digest. */
static void test_sha256_split_every_offset(void)
{
	enum { N = 150 };
	uint8_t msg[N], one[SHA256_LEN], d[SHA256_LEN];
	struct sha256 s;
	int bad = 0;

	rng_fill(msg, N);
	for (size_t len = 0; len <= N; len += len < 70 ? 1 : 40) {
		sha256_init(&s);
		sha256_update(&s, msg, len);
		sha256_final(&s, one);
		for (size_t i = 0; i <= len; i++)
			for (size_t j = i; j <= len; j++) {
				sha256_init(&s);
				sha256_update(&s, msg, i);
				sha256_update(&s, msg + i, j - i);
				sha256_update(&s, msg + j, len - j);
				sha256_final(&s, d);
				if (memcmp(d, one, SHA256_LEN) && bad++ < 5)
					fprintf(stderr, "  len %zu split at %zu, %zu differs\n",
						len, i, j);
			}
	}
	CHECK_EQ_U(bad, 0);
	/* the 448-bit vector split at every offset */
	for (size_t i = 0; i <= 56; i++) {
		char hex[2 * SHA256_LEN + 1];
		const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

		sha256_init(&s);
		sha256_update(&s, m, i);
		sha256_update(&s, m + i, 56 - i);
		sha256_final(&s, d);
		hex_of(d, hex);
		CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	}
}

/* ---- base64 ------------------------------------------------------------------------- */

/* Decodes text into a buffer of exactly the documented size (len * 3 / 4), so that an
 * overrun shows under ASan; returns the length, -1, and the bytes in out (caller frees). */
static long decode(const char *text, uint8_t **out)
{
	size_t len = strlen(text), room = len * 3 / 4;

	*out = malloc(room ? room : 1);
	return base64_decode(text, len, *out);
}

static void test_base64_rfc4648_vectors(void)
{
	static const char *const v[][2] = {
		{ "", "" },
		{ "f", "Zg==" },
		{ "fo", "Zm8=" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char enc[16];
		uint8_t *dec;
		long n;

		CHECK_EQ_U(base64_encoded_len(strlen(v[i][0])), strlen(v[i][1]));
		base64_encode((const uint8_t *)v[i][0], strlen(v[i][0]), enc);
		CHECK_STR(enc, v[i][1]);
		n = decode(v[i][1], &dec);
		CHECK_EQ_U(n, strlen(v[i][0]));
		CHECK(n >= 0 && !memcmp(dec, v[i][0], (size_t)n));
		free(dec);
	}
	/* all 64 characters of the alphabet, and bytes >= 0x80 */
	{
		static const uint8_t all[] = { 0x00, 0x10, 0x83, 0x10, 0x51, 0x87, 0x20, 0x92,
					       0x8b, 0x30, 0xd3, 0x8f, 0x41, 0x14, 0x93, 0x51,
					       0x55, 0x97, 0x61, 0x96, 0x9b, 0x71, 0xd7, 0x9f,
					       0x82, 0x18, 0xa3, 0x92, 0x59, 0xa7, 0xa2, 0x9a,
					       0xab, 0xb2, 0xdb, 0xaf, 0xc3, 0x1c, 0xb3, 0xd3,
					       0x5d, 0xb7, 0xe3, 0x9e, 0xbb, 0xf3, 0xdf, 0xbf };
		char enc[80];

		base64_encode(all, sizeof(all), enc);
		CHECK_STR(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
	}
}

static void test_base64_round_trip_every_length(void)
{
	uint8_t buf[300], *dec;
	char enc[base64_encoded_len(300) + 1], spaced[2 * sizeof(enc)];

	for (size_t len = 0; len <= 300; len++) {
		long n;
		size_t k = 0;

		rng_fill(buf, len);
		memset(enc, '#', sizeof(enc));
		base64_encode(buf, len, enc);
		CHECK_EQ_U(strlen(enc), base64_encoded_len(len));
		n = decode(enc, &dec);
		CHECK_EQ_U(n, len);
		CHECK(n >= 0 && !memcmp(dec, buf, len));
		free(dec);
		/* whitespace anywhere (as in wrapped output) is ignored */
		for (size_t i = 0; enc[i]; i++) {
			spaced[k++] = enc[i];
			if (i % 7 == 3)
				spaced[k++] = " \n\r\t"[i % 4];
		}
		spaced[k] = '\0';
		n = decode(spaced, &dec);
		CHECK_EQ_U(n, len);
		CHECK(n >= 0 && !memcmp(dec, buf, len));
		free(dec);
	}
}

static void test_base64_rejects_bad_input(void)
{
	static const char *const bad[] = {
		"Zm9v!",       /* a character outside the alphabet */
		"Zm-v",	       /* the URL-safe alphabet is not this one */
		"Zm9\xc3\xa9", /* bytes >= 0x80 */
		"Zm9vYg=",     /* a truncated group */
		"Zg",	       /* unpadded */
		"Zm9vY",       /* one character of a group */
		"Z===",	       /* padding in the second place */
		"====",	       /* padding only */
		"=Zg=",	       /* padding first */
		"Zm=v",	       /* data after padding, in the group */
		"Zg==Zg==",    /* data after a padded group */
		"Zg==\n=",     /* more padding after a complete group */
		"Zm9vYmFy=",   /* padding after complete groups */
		"Zm9v\x01",    /* a control character */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t *dec;
		long n = decode(bad[i], &dec);

		if (n != -1)
			fprintf(stderr, "  \"%s\" decoded to %ld bytes\n", bad[i], n);
		CHECK(n == -1);
		free(dec);
	}
	/* a NUL inside the given length is a bad character, not the end */
	{
		uint8_t out[8];
		CHECK(base64_decode("Zg==\0Zg==", 9, out) == -1);
		CHECK(base64_decode("Zm9v\0", 5, out) == -1);
	}
}

/* ---- the status view ------------------------------------------------------------------ */

static json_object *parse(const char *q)
{
	char *s = strdup(q);
	json_object *o;

	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	o = json_tokener_parse(s);
	free(s);
	CHECK(o != NULL);
	return o;
}

static json_object *get(json_object *o, const char *path)
{
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save)) {
		if (*k >= '0' && *k <= '9')
			o = json_object_is_type(o, json_type_array)
				    ? json_object_array_get_idx(o, (size_t)atoi(k))
				    : NULL;
		else if (!json_object_object_get_ex(o, k, &o))
			o = NULL;
	}
	if (!o)
		fprintf(stderr, "  no %s\n", path);
	return o;
}

static long long geti(json_object *o, const char *path)
{
	json_object *v = get(o, path);
	CHECK(json_object_is_type(v, json_type_int));
	return json_object_get_int64(v);
}

static double getd(json_object *o, const char *path)
{
	json_object *v = get(o, path);
	CHECK(json_object_is_type(v, json_type_double));
	return json_object_get_double(v);
}

static const char *gets_(json_object *o, const char *path)
{
	json_object *v = get(o, path);
	CHECK(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

static int near(double a, double b)
{
	return a > b - 1e-9 && a < b + 1e-9;
}

#define PREV                                                                                       \
	"{'mode': 'sw', 'uptime_s': 1.0, 'rx': 1000000, 'tx': 1000000, 'io': [{'role': 'rx+tx', "  \
	"'cpu': 1, 'rx': 1000000, 'tx': 1000000}], 'workers': [{'role': 'worker', 'id': 0, "       \
	"'packets': 0}, {'role': 'worker', 'id': 1, 'packets': 200000, 'tx': 100}]}"
#define CUR                                                                                        \
	"{'mode': 'sw', 'uptime_s': 3.0, 'rx': 3000000, 'tx': 2000000, 'consumed': 0, "            \
	"'drops': {'a': 5, 'b': 7, 'neg': -3, 'str': '9', 'dbl': 2.5}, 'drops_total': 12, "        \
	"'in_flight': 4, 'conserved': true, 'io': [{'role': 'rx+tx', 'cpu': 1, 'rx': 3000000, "    \
	"'tx': 2000000, 'drops': {'x': 2}}], 'workers': [{'role': 'worker', 'id': 0, 'cpu': 2, "   \
	"'rx': 0, 'packets': 1000000}, {'role': 'worker', 'id': 1, 'packets': 1200000, 'tx': "     \
	"50}]}"

static void test_status_view_rates_and_totals(void)
{
	json_object *prev = parse(PREV), *cur = parse(CUR);
	json_object *v = status_view_json("vm1", 42, prev, cur);

	CHECK_STR(gets_(v, "domain"), "vm1");
	CHECK_EQ_U(geti(v, "pid"), 42);
	CHECK_STR(gets_(v, "mode"), "sw");
	CHECK(near(getd(v, "uptime_s"), 3.0));
	CHECK_EQ_U(json_object_array_length(get(v, "threads")), 3);
	/* io thread: rx 2M over 2 s = 1 Mpps, tx 1M = 0.5 Mpps */
	CHECK_STR(gets_(v, "threads.0.role"), "rx+tx");
	CHECK(!get(v, "threads.0") || !json_object_object_get_ex(get(v, "threads.0"), "id", NULL));
	CHECK_EQ_U(geti(v, "threads.0.cpu"), 1);
	CHECK_EQ_U(geti(v, "threads.0.rx"), 3000000);
	CHECK_EQ_U(geti(v, "threads.0.drops"), 2);
	CHECK(near(getd(v, "threads.0.rx_mpps"), 1.0));
	CHECK(near(getd(v, "threads.0.tx_mpps"), 0.5));
	/* a worker's rx is the packets it handled (not its "rx"), its missing cpu is -1 */
	CHECK_STR(gets_(v, "threads.1.role"), "worker");
	CHECK_EQ_U(geti(v, "threads.1.id"), 0);
	CHECK_EQ_U(geti(v, "threads.1.cpu"), 2);
	CHECK_EQ_U(geti(v, "threads.1.rx"), 1000000);
	CHECK(near(getd(v, "threads.1.rx_mpps"), 0.5));
	CHECK_EQ_U(geti(v, "threads.2.id"), 1);
	CHECK(geti(v, "threads.2.cpu") == -1);
	CHECK(near(getd(v, "threads.2.rx_mpps"), 0.5));
	/* a counter that went down (tx 100 -> 50) has no rate */
	CHECK(near(getd(v, "threads.2.tx_mpps"), 0));
	/* totals: drops add up only non-negative integers */
	CHECK_STR(gets_(v, "total.role"), "total");
	CHECK_EQ_U(geti(v, "total.rx"), 3000000);
	CHECK_EQ_U(geti(v, "total.tx"), 2000000);
	CHECK_EQ_U(geti(v, "total.drops"), 12);
	CHECK(near(getd(v, "total.rx_mpps"), 1.0));
	CHECK(near(getd(v, "total.tx_mpps"), 0.5));
	CHECK_EQ_U(geti(v, "in_flight"), 4);
	CHECK(json_object_get_boolean(get(v, "conserved")) == 1);
	CHECK(get(v, "stats") == cur); /* the reading itself, shared */
	json_object_put(v);

	/* no earlier reading: the rates are averages over the whole uptime */
	v = status_view_json("vm1", 42, NULL, cur);
	CHECK(near(getd(v, "total.rx_mpps"), 1.0));
	CHECK(near(getd(v, "threads.1.rx_mpps"), 1.0 / 3));
	json_object_put(v);
	/* the dataplane restarted in between (uptime went down): no rates at all */
	v = status_view_json("vm1", 42, cur, prev);
	CHECK(near(getd(v, "total.rx_mpps"), 0) && near(getd(v, "threads.0.rx_mpps"), 0));
	json_object_put(v);
	/* the same reading twice: dt 0, no division */
	v = status_view_json("vm1", 42, cur, cur);
	CHECK(near(getd(v, "total.tx_mpps"), 0));
	json_object_put(v);
	json_object_put(prev);
	json_object_put(cur);
}

static void test_status_view_missing_and_mistyped(void)
{
	static const char *const empty[] = { "{}", "[1, 2]", "'text'", "7" };
	json_object *bad, *v;

	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		json_object *cur = parse(empty[i]);

		v = status_view_json("d", 1, cur, cur);
		CHECK_STR(gets_(v, "mode"), "");
		CHECK(near(getd(v, "uptime_s"), 0));
		CHECK_EQ_U(json_object_array_length(get(v, "threads")), 0);
		CHECK_EQ_U(geti(v, "total.rx"), 0);
		CHECK_EQ_U(geti(v, "total.tx"), 0);
		CHECK_EQ_U(geti(v, "total.drops"), 0);
		CHECK_EQ_U(geti(v, "in_flight"), 0);
		CHECK(json_object_get_boolean(get(v, "conserved")) == 0);
		json_object_put(v);
		json_object_put(cur);
	}
	v = status_view_json("d", 1, NULL, NULL); /* no reading at all */
	CHECK_EQ_U(geti(v, "total.rx"), 0);
	{
		json_object *st = v;
		CHECK(json_object_object_get_ex(v, "stats", &st) && st == NULL);
	}
	json_object_put(v);
	/* every member of the wrong type shows as 0 (or -1 for a cpu, "" for text, false) */
	bad = parse("{'mode': 5, 'uptime_s': '3', 'rx': '100', 'tx': -5, 'drops': [1, 2], "
		    "'in_flight': 2.5, 'conserved': 'yes', 'io': {'role': 'x'}, "
		    "'workers': [7, 'w', null, {'role': 9, 'id': 'one', 'cpu': 1.5, 'packets': "
		    "-1, 'rx': 10, 'tx': true, 'drops': {'a': '1', 'b': null, 'c': 3}}]}");
	v = status_view_json("d", 1, NULL, bad);
	CHECK_STR(gets_(v, "mode"), "");
	CHECK(near(getd(v, "uptime_s"), 0));
	CHECK_EQ_U(geti(v, "total.rx"), 0);
	CHECK_EQ_U(geti(v, "total.tx"), 0);
	CHECK_EQ_U(geti(v, "total.drops"), 0);
	CHECK_EQ_U(geti(v, "in_flight"), 0);
	CHECK(json_object_get_boolean(get(v, "conserved")) == 0);
	/* io is not an array: no io threads; the workers' non-objects are empty rows */
	CHECK_EQ_U(json_object_array_length(get(v, "threads")), 4);
	CHECK_STR(gets_(v, "threads.0.role"), "");
	CHECK(geti(v, "threads.0.cpu") == -1);
	CHECK_EQ_U(geti(v, "threads.0.rx"), 0);
	/* a negative "packets" is still the member that counts: 0, not its rx */
	CHECK_STR(gets_(v, "threads.3.role"), "");
	CHECK(!json_object_object_get_ex(get(v, "threads.3"), "id", NULL));
	CHECK(geti(v, "threads.3.cpu") == -1);
	CHECK_EQ_U(geti(v, "threads.3.rx"), 0);
	CHECK_EQ_U(geti(v, "threads.3.tx"), 0);
	CHECK_EQ_U(geti(v, "threads.3.drops"), 3);
	CHECK(near(getd(v, "threads.3.rx_mpps"), 0));
	json_object_put(v);
	json_object_put(bad);
}

static void test_status_view_text(void)
{
	json_object *prev = parse(PREV), *cur = parse(CUR), *off;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	status_view_print(f, "vm1", 42, prev, cur);
	off = parse("{'rx': 10, 'tx': 9, 'conserved': false}");
	status_view_print(f, "vm1", 42, NULL, off);
	fclose(f);
	CHECK(strstr(text, "vm1: vnfdp pid 42, mode sw, up 3.0 s\n") != NULL);
	CHECK(strstr(text, "\nworker 0        2        1000000 ") != NULL);
	CHECK(strstr(text, "\ntotal                    3000000        2000000         12     1.000 "
			   "    0.500\n") != NULL);
	CHECK(strstr(text, "conservation: rx 3000000 = tx 2000000 + consumed 0 + drops 12 + in "
			   "flight 4: ok\n") != NULL);
	CHECK(strstr(text, "conservation: rx 10 = tx 9 + consumed 0 + drops 0 + in flight 0: NOT "
			   "CONSERVED\n") != NULL);
	if (check_failed_in_test)
		fprintf(stderr, "%s", text);
	free(text);
	json_object_put(off);
	json_object_put(prev);
	json_object_put(cur);
}

CHECK_MAIN("vnfctl_codec", TEST(test_sha256_fips_vectors), TEST(test_sha256_million_a),
	   TEST(test_sha256_split_every_offset), TEST(test_base64_rfc4648_vectors),
	   TEST(test_base64_round_trip_every_length), TEST(test_base64_rejects_bad_input),
	   TEST(test_status_view_rates_and_totals), TEST(test_status_view_missing_and_mistyped),
	   TEST(test_status_view_text))
