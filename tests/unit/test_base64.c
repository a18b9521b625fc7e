/* test_base64.c: strict base64: RFC 4648 vectors both ways, and every way of being not quite base64 refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/base64.h"
#include "common/err.h"

/* RFC 4648 §10. */
static const struct {
	const char *raw, *b64;
} vectors[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

static void
test_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const char *raw = vectors[i].raw, *b64 = vectors[i].b64;
		char text[16];
		uint8_t back[8];
		size_t n, k;

		n = base64_encode((const uint8_t *)raw, strlen(raw), text);
		assert_int_equal(n, BASE64_LEN(strlen(raw)));
		assert_string_equal(text, b64);
		assert_int_equal(base64_check(b64, strlen(b64), &k), 0);
		assert_int_equal(k, strlen(raw));
		memset(back, 0xaa, sizeof(back));
		assert_int_equal(base64_decode(b64, strlen(b64), back,
		    strlen(raw), &k), 0);
		assert_int_equal(k, strlen(raw));
		assert_memory_equal(back, raw, k);
		/* Nothing written past what it decodes to. */
		assert_int_equal(back[k], 0xaa);
	}
}

/* Every byte value, and lengths across the 3-byte groups. */
static void
test_round_trip(void **state)
{
	uint8_t raw[256], back[256];
	char text[BASE64_LEN(256) + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (uint8_t)(255 - i);
	for (size_t n = 0; n <= sizeof(raw); n++) {
		size_t len = base64_encode(raw, n, text), k;

		assert_int_equal(strlen(text), len);
		assert_int_equal(base64_decode(text, len, back, n, &k), 0);
		assert_int_equal(k, n);
		assert_memory_equal(back, raw, n);
	}
}

/* Each of these is refused by both check and decode, the length
 * untouched (and by decode with no room, as not base64 rather than too
 * long). */
static const char *const refused[] = {
	"Z",		/* bad length */
	"Zg",
	"Zg=",
	"Zm9vY",
	"Zm9v!A==",	/* bad characters */
	"Zm9v YQ==",
	"Zm9v\nYQ==",
	"Zm9vYQ==\n",	/* a trailing newline EVP_DecodeBlock would take */
	" Zm9vYQ=",
	"Zm9-",		/* the URL-safe alphabet is not this one */
	"Zm9_",
	"Zg==Zg==",	/* padding in the middle */
	"Zg=a",
	"Z===",		/* too much padding */
	"====",
	"=Zg=",
	"Zh==",		/* stray bits beside the padding */
	"Zm9=",
	"Zg==A",	/* trailing garbage after the padding */
	"Zm8=AAAA",
};

static void
test_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		const char *s = refused[i];
		uint8_t out[16];
		size_t k = 77;

		if (base64_check(s, strlen(s), &k) != ISA_ERR_PARSE)
			fail_msg("%s:%d: base64_check took \"%s\"", __FILE__,
			    __LINE__, s);
		assert_int_equal(k, 77);
		if (base64_decode(s, strlen(s), out, sizeof(out), &k) !=
		    ISA_ERR_PARSE)
			fail_msg("%s:%d: base64_decode took \"%s\"", __FILE__,
			    __LINE__, s);
		assert_int_equal(k, 77);
		if (base64_decode(s, strlen(s), out, 0, &k) != ISA_ERR_PARSE)
			fail_msg("%s:%d: base64_decode, no room: \"%s\" not "
			    "refused as base64", __FILE__, __LINE__, s);
	}
}

/* A NUL among the n characters is refused, not taken as the end. */
static void
test_nul_inside(void **state)
{
	const char s[] = "Zm9v\0AAA";
	size_t k;

	(void)state;
	assert_int_equal(base64_check(s, 8, &k), ISA_ERR_PARSE);
}

/* Room for less than it decodes to: refused, nothing written. */
static void
test_too_long(void **state)
{
	uint8_t out[6];
	size_t k = 77;

	(void)state;
	memset(out, 0xaa, sizeof(out));
	assert_int_equal(base64_decode("Zm9vYmFy", 8, out, 5, &k),
	    ISA_ERR_RANGE);
	assert_int_equal(k, 77);
	for (size_t j = 0; j < sizeof(out); j++)
		assert_int_equal(out[j], 0xaa);
	assert_int_equal(base64_decode("Zm9vYmFy", 8, out, 6, &k), 0);
	assert_int_equal(k, 6);
	assert_memory_equal(out, "foobar", 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_nul_inside),
		cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
