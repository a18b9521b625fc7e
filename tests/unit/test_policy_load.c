/* test_policy_load.c: policy.conf loading: every load fault named with file:line, lookups, views, principals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "policy/policy.h"
#include "policy/z85.h"

/* Fail with file:line, the expectation and the error text. */
#define CHECK(cond, err) do {						\
	if (!(cond))							\
		fail_msg("%s:%d: %s (error: %s)", __FILE__, __LINE__,	\
		    #cond, (err));					\
} while (0)

/* The Z85 text of the test key n: 32 bytes of n, n+1, ... */
static void
test_key(int n, char out[41])
{
	uint8_t raw[POLICY_KEY_LEN];
	int i;

	for (i = 0; i < POLICY_KEY_LEN; i++)
		raw[i] = (uint8_t)(n * 7 + i);
	assert_int_equal(policy_z85_encode(raw, sizeof(raw), out, 41), 0);
}

/* Copy tmpl with each "%Kn%" (n a digit) replaced by test key n. */
static char *
expand(const char *tmpl)
{
	size_t cap = strlen(tmpl) * 4 + 64, n = 0;
	char *out = malloc(cap);
	const char *s;

	assert_non_null(out);
	for (s = tmpl; *s != '\0'; s++) {
		if (s[0] == '%' && s[1] == 'K' && s[2] >= '0' && s[2] <= '9' &&
		    s[3] == '%') {
			test_key(s[2] - '0', out + n);
			n += 40;
			s += 3;
			continue;
		}
		out[n++] = *s;
	}
	out[n] = '\0';
	return out;
}

#define BASE_HEAD							\
	"minimum_clearance = { official = \"NONE\"; official_sensitive = \"BPSS\"; secret = \"SC\"; };\n" \
	"caveats = ( { name = \"PERSONAL-DATA\"; requires = \"safeguarding\"; },\n" \
	"            { name = \"UK-EYES-ONLY\"; requires = \"uk-national\"; } );\n" \
	"agencies = ( { id = \"hcc\"; name = \"Hampshire County Council\"; },\n" \
	"             { id = \"ctpse\"; name = \"Counter Terrorism Policing South East\"; } );\n"

/* A good policy: three users, two nested groups. */
static const char base_policy[] =
    BASE_HEAD
    "users = (\n"
    "  { id = \"board-admin\"; name = \"Board Administrator\"; agency = \"hcc\";\n"
    "    clearance = \"SC\"; roles = [ \"admin\" ]; attributes = [ ]; key = \"%K1%\"; },\n"
    "  { id = \"ctp-analyst\"; name = \"CTP Analyst\"; agency = \"ctpse\"; clearance = \"SC\";\n"
    "    clearance_expires = \"2030-01-31\"; roles = [ \"approver\", \"chair\" ];\n"
    "    attributes = [ \"safeguarding\", \"uk-national\" ]; key = \"%K2%\"; },\n"
    "  { id = \"council-lead\"; name = \"Council Lead\"; agency = \"hcc\"; clearance = \"BPSS\";\n"
    "    key = \"%K3%\"; enabled = false; }\n"
    ");\n"
    "groups = ( { id = \"ppb\"; members = [ \"agency:ctpse\", \"group:inner\" ]; },\n"
    "           { id = \"inner\"; members = [ \"user:council-lead\" ]; } );\n";

static policy_t *
load_ok(const char *tmpl)
{
	char err[512], *text = expand(tmpl);
	policy_t *p = NULL;
	int rc = policy_load_string(text, "t.conf", &p, err, sizeof(err));

	free(text);
	CHECK(rc == 0, err);
	assert_non_null(p);
	return p;
}

static void
test_base_loads(void **state)
{
	policy_t *p = load_ok(base_policy);
	const policy_user_t *u;
	policy_user_view_t v;
	uint8_t key[POLICY_KEY_LEN];
	char z[41];
	int i;

	(void)state;
	assert_int_equal(policy_user_count(p), 3);
	assert_int_equal(policy_agency_count(p), 2);
	assert_int_equal(policy_group_count(p), 2);
	assert_int_equal(policy_caveat_count(p), 2);
	assert_string_equal(policy_agency_id_at(p, 1), "ctpse");
	assert_string_equal(policy_agency_name_at(p, 0), "Hampshire County Council");
	assert_null(policy_agency_id_at(p, 2));
	assert_string_equal(policy_caveat_name_at(p, 1), "UK-EYES-ONLY");
	assert_string_equal(policy_caveat_requires_at(p, 0), "safeguarding");
	assert_string_equal(policy_source(p), "t.conf");

	/* By key: the raw 32 bytes the Z85 text encodes. */
	test_key(2, z);
	for (i = 0; i < POLICY_KEY_LEN; i++)
		key[i] = (uint8_t)(2 * 7 + i);
	u = policy_user_by_key(p, key);
	assert_non_null(u);
	assert_ptr_equal(u, policy_user_by_id(p, "ctp-analyst"));
	assert_ptr_equal(u, policy_user_at(p, 1));
	key[0] ^= 1;
	assert_null(policy_user_by_key(p, key));
	assert_null(policy_user_by_id(p, "nobody"));
	assert_null(policy_user_at(p, 3));

	policy_user_view(p, u, 0, &v);
	assert_string_equal(v.id, "ctp-analyst");
	assert_string_equal(v.name, "CTP Analyst");
	assert_string_equal(v.agency, "ctpse");
	assert_string_equal(v.agency_name, "Counter Terrorism Policing South East");
	assert_int_equal(v.clearance, CLEARANCE_SC);
	assert_int_equal(v.effective, CLEARANCE_SC);
	assert_string_equal(v.clearance_expires, "2030-01-31");
	assert_int_equal(v.roles, ROLE_APPROVER | ROLE_CHAIR);
	assert_int_equal(v.n_attributes, 2);
	assert_string_equal(v.attributes[0], "safeguarding");
	assert_string_equal(v.attributes[1], "uk-national");
	assert_memory_equal(v.key, u == NULL ? key : v.key, POLICY_KEY_LEN);
	assert_true(v.enabled);

	u = policy_user_by_id(p, "council-lead");
	policy_user_view(p, u, 0, &v);
	assert_false(v.enabled);
	assert_int_equal(v.roles, 0);
	assert_int_equal(v.n_attributes, 0);
	assert_null(v.clearance_expires);
	assert_int_equal(v.effective, CLEARANCE_BPSS);

	u = policy_user_by_id(p, "board-admin");
	policy_user_view(p, u, 0, &v);
	assert_true(v.enabled);	/* enabled defaults to true */
	assert_int_equal(v.roles, ROLE_ADMIN);
	policy_unref(p);
}

static void
test_clearance_expiry(void **state)
{
	policy_t *p = load_ok(base_policy);
	const policy_user_t *u = policy_user_by_id(p, "ctp-analyst");
	policy_user_view_t v;
	const int64_t end = INT64_C(1896134400);	/* 2030-02-01T00:00:00Z */

	(void)state;
	policy_user_view(p, u, end - 1, &v);
	assert_int_equal(v.effective, CLEARANCE_SC);
	policy_user_view(p, u, end, &v);
	assert_int_equal(v.effective, CLEARANCE_NONE);
	assert_int_equal(v.clearance, CLEARANCE_SC);
	policy_unref(p);
}

static void
test_principals(void **state)
{
	policy_t *p = load_ok(base_policy);
	const policy_user_t *admin = policy_user_by_id(p, "board-admin");
	const policy_user_t *ctp = policy_user_by_id(p, "ctp-analyst");
	const policy_user_t *lead = policy_user_by_id(p, "council-lead");
	policy_principal_t pr;
	char buf[64];

	(void)state;
	assert_int_equal(policy_principal_resolve(p, "group:ppb", &pr), 0);
	assert_int_equal(pr.kind, PRINCIPAL_GROUP);
	assert_int_equal(pr.index, 0);
	assert_true(policy_principal_covers(p, pr, ctp));	/* via agency */
	assert_true(policy_principal_covers(p, pr, lead));	/* via nested group */
	assert_false(policy_principal_covers(p, pr, admin));
	assert_int_equal(policy_principal_format(p, pr, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "group:ppb");

	assert_int_equal(policy_principal_resolve(p, "group:inner", &pr), 0);
	assert_true(policy_principal_covers(p, pr, lead));
	assert_false(policy_principal_covers(p, pr, ctp));

	assert_int_equal(policy_principal_resolve(p, "agency:hcc", &pr), 0);
	assert_int_equal(pr.kind, PRINCIPAL_AGENCY);
	assert_true(policy_principal_covers(p, pr, admin));
	assert_true(policy_principal_covers(p, pr, lead));
	assert_false(policy_principal_covers(p, pr, ctp));

	assert_int_equal(policy_principal_resolve(p, "user:ctp-analyst", &pr), 0);
	assert_int_equal(pr.kind, PRINCIPAL_USER);
	assert_int_equal(pr.index, policy_user_index(ctp));
	assert_true(policy_principal_covers(p, pr, ctp));
	assert_false(policy_principal_covers(p, pr, admin));
	assert_int_equal(policy_principal_format(p, pr, buf, 8), 0);
	assert_string_equal(buf, "user:ct");	/* truncated, terminated */

	assert_int_equal(policy_principal_resolve(p, "all", &pr), 0);
	assert_int_equal(pr.kind, PRINCIPAL_ALL);
	assert_true(policy_principal_covers(p, pr, lead));

	assert_int_equal(policy_principal_resolve(p, "user:nobody", &pr),
	    ISA_ERR_NOTFOUND);
	assert_int_equal(pr.kind, PRINCIPAL_NONE);
	assert_false(policy_principal_covers(p, pr, lead));
	assert_int_equal(policy_principal_resolve(p, "agency:nope", &pr),
	    ISA_ERR_NOTFOUND);
	assert_int_equal(policy_principal_resolve(p, "agency:hc", &pr),
	    ISA_ERR_NOTFOUND);
	assert_int_equal(policy_principal_resolve(p, "group:", &pr), ISA_ERR_PARSE);
	assert_int_equal(policy_principal_resolve(p, "user:", &pr), ISA_ERR_PARSE);
	assert_int_equal(policy_principal_resolve(p, "ALL", &pr), ISA_ERR_PARSE);
	assert_int_equal(policy_principal_resolve(p, "ppb", &pr), ISA_ERR_PARSE);
	pr.kind = PRINCIPAL_GROUP;
	pr.index = 99;
	assert_false(policy_principal_covers(p, pr, lead));
	assert_int_equal(policy_principal_format(p, pr, buf, sizeof(buf)),
	    ISA_ERR_INVAL);

	{
		uint32_t idx;

		assert_int_equal(policy_agency_resolve(p, "ctpse", &idx), 0);
		assert_int_equal(idx, 1);
		assert_int_equal(policy_user_agency(ctp), 1);
		assert_int_equal(policy_agency_resolve(p, "x", &idx),
		    ISA_ERR_NOTFOUND);
		assert_int_equal(policy_caveat_resolve(p, "UK-EYES-ONLY", &idx), 0);
		assert_int_equal(idx, 1);
		assert_int_equal(policy_caveat_resolve(p, "uk-eyes-only", &idx),
		    ISA_ERR_NOTFOUND);
	}
	policy_unref(p);
}

static void
test_refcount(void **state)
{
	policy_t *p = load_ok(base_policy);

	(void)state;
	assert_ptr_equal(policy_ref(p), p);
	policy_unref(p);
	assert_int_equal(policy_user_count(p), 3);	/* still held */
	policy_unref(p);
	policy_unref(NULL);
}

static void
test_names(void **state)
{
	clearance_t c;

	(void)state;
	assert_string_equal(policy_clearance_name(CLEARANCE_NONE), "NONE");
	assert_string_equal(policy_clearance_name(CLEARANCE_DV), "DV");
	assert_int_equal(policy_clearance_parse("CTC", &c), 0);
	assert_int_equal(c, CLEARANCE_CTC);
	assert_int_equal(policy_clearance_parse("sc", &c), ISA_ERR_NOTFOUND);
	assert_string_equal(policy_role_name(ROLE_AUDITOR), "auditor");
	assert_null(policy_role_name(ROLE_ADMIN | ROLE_CHAIR));
}

static void
test_z85(void **state)
{
	static const uint8_t hello[8] = { 0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59,
	    0xF7, 0x5B };
	uint8_t out[8];
	char text[11];

	(void)state;
	/* RFC 32's test vector. */
	assert_int_equal(policy_z85_decode("HelloWorld", 10, out, 8), 0);
	assert_memory_equal(out, hello, 8);
	assert_int_equal(policy_z85_encode(hello, 8, text, sizeof(text)), 0);
	assert_string_equal(text, "HelloWorld");
	assert_int_equal(policy_z85_decode("Hello\"orld", 10, out, 8),
	    ISA_ERR_PARSE);
	/* "#####" is 85^5 - 1, above 2^32 - 1: not an encoding. */
	assert_int_equal(policy_z85_decode("#####Hello", 10, out, 8),
	    ISA_ERR_PARSE);
	assert_int_equal(policy_z85_decode("Hello", 5, out, 8), ISA_ERR_RANGE);
	assert_int_equal(policy_z85_decode("Hell", 4, out, 8), ISA_ERR_PARSE);
	assert_int_equal(policy_z85_encode(hello, 7, text, sizeof(text)),
	    ISA_ERR_RANGE);
	assert_int_equal(policy_z85_encode(hello, 8, text, 10), ISA_ERR_RANGE);
	/* The largest group, 2^32 - 1, round-trips. */
	assert_int_equal(policy_z85_decode("%nSc0", 5, out, 4), 0);
	assert_memory_equal(out, "\xff\xff\xff\xff", 4);
}

/* One load fault: the policy text (with %Kn% keys), and what the error must
 * be: it starts with "t.conf:LINE: " and contains want. */
struct fault {
	const char *label;
	const char *text;
	unsigned line;
	const char *want;
};

#define AG "agencies = ( { id = \"hcc\"; name = \"HCC\"; } );\n"
#define U1 "users = ( { id = \"a\"; name = \"A\"; agency = \"hcc\"; clearance = \"SC\"; key = \"%K1%\"; } );\n"
#define USER(extra) "users = ( { id = \"a\"; name = \"A\"; agency = \"hcc\"; " \
	"clearance = \"SC\"; key = \"%K1%\"; " extra " } );\n"

static const struct fault faults[] = {
	{ "syntax", AG "users = ( { id = \"a\" } \n", 3, "syntax error" },
	{ "unknown root setting", AG U1 "user = ( );\n", 3,
	    "unknown setting \"user\" in policy" },
	{ "typo enabeld", AG USER("enabeld = false;"), 2,
	    "unknown setting \"enabeld\" in users[0]" },
	{ "unknown agency setting", "agencies = ( { id = \"hcc\"; name = \"H\"; nmae = \"x\"; } );\n" U1, 1,
	    "unknown setting \"nmae\" in agencies[0]" },
	{ "unknown caveat setting", "caveats = ( { name = \"X\"; requires = \"y\"; require = \"z\"; } );\n" AG U1, 1,
	    "unknown setting \"require\" in caveats[0]" },
	{ "unknown group setting", AG U1 "groups = ( { id = \"g\"; members = [ ]; member = [ ]; } );\n", 3,
	    "unknown setting \"member\" in groups[0]" },
	{ "unknown minimum_clearance setting", "minimum_clearance = { offical = \"NONE\"; };\n" AG U1, 1,
	    "unknown setting \"offical\" in minimum_clearance" },
	{ "missing agencies", U1, 0, "policy: missing setting \"agencies\"" },
	{ "missing users", AG, 0, "policy: missing setting \"users\"" },
	{ "missing key", AG "users = ( { id = \"a\"; name = \"A\";\n agency = \"hcc\"; clearance = \"SC\"; } );\n", 2,
	    "user \"a\": missing setting \"key\"" },
	{ "missing user id", AG "users = ( { name = \"A\"; agency = \"hcc\"; clearance = \"SC\"; key = \"%K1%\"; } );\n", 2,
	    "users[0]: missing setting \"id\"" },
	{ "missing clearance", AG "users = ( { id = \"a\"; name = \"A\"; agency = \"hcc\"; key = \"%K1%\"; } );\n", 2,
	    "user \"a\": missing setting \"clearance\"" },
	{ "missing name", AG "users = ( { id = \"a\"; agency = \"hcc\"; clearance = \"SC\"; key = \"%K1%\"; } );\n", 2,
	    "user \"a\": missing setting \"name\"" },
	{ "missing agency name", "agencies = ( { id = \"hcc\"; } );\n" U1, 1,
	    "agency \"hcc\": missing setting \"name\"" },
	{ "missing caveat requires", "caveats = ( { name = \"X\"; } );\n" AG U1, 1,
	    "caveats[0]: missing setting \"requires\"" },
	{ "missing group members", AG U1 "groups = ( { id = \"g\"; } );\n", 3,
	    "group \"g\": missing setting \"members\"" },
	{ "unknown agency", AG "users = ( { id = \"a\"; name = \"A\";\n agency = \"hcx\"; clearance = \"SC\"; key = \"%K1%\"; } );\n", 3,
	    "user \"a\": unknown agency \"hcx\"" },
	{ "unknown user in group", AG U1 "groups = ( { id = \"g\";\n members = [ \"user:b\" ]; } );\n", 4,
	    "group \"g\": unknown user \"b\"" },
	{ "unknown agency in group", AG U1 "groups = ( { id = \"g\"; members = [ \"agency:nope\" ]; } );\n", 3,
	    "group \"g\": unknown agency \"nope\"" },
	{ "unknown group in group", AG U1 "groups = ( { id = \"g\"; members = [ \"group:h\" ]; } );\n", 3,
	    "group \"g\": unknown group \"h\"" },
	{ "member not a principal", AG U1 "groups = ( { id = \"g\"; members = [ \"a\" ]; } );\n", 3,
	    "group \"g\": member \"a\" is not user:ID, agency:ID or group:ID" },
	{ "all in a group", AG U1 "groups = ( { id = \"g\"; members = [ \"all\" ]; } );\n", 3,
	    "member \"all\" is not" },
	{ "self cycle", AG U1 "groups = ( { id = \"g\"; members = [ \"group:g\" ]; } );\n", 3,
	    "group cycle: g -> g" },
	{ "cycle", AG U1 "groups = ( { id = \"a\"; members = [ \"group:b\" ]; },\n"
	    "  { id = \"b\"; members = [ \"user:a\", \"group:c\" ]; },\n"
	    "  { id = \"c\"; members = [ \"group:a\" ]; } );\n", 5,
	    "group cycle: a -> b -> c -> a" },
	{ "cycle below a good group", AG U1 "groups = ( { id = \"top\"; members = [ \"group:b\" ]; },\n"
	    "  { id = \"b\"; members = [ \"group:c\" ]; },\n"
	    "  { id = \"c\"; members = [\n \"group:b\" ]; } );\n", 6,
	    "group cycle: b -> c -> b" },
	{ "duplicate user id", AG "users = ( { id = \"a\"; name = \"A\"; agency = \"hcc\"; clearance = \"SC\"; key = \"%K1%\"; },\n"
	    " { id = \"a\"; name = \"A2\"; agency = \"hcc\"; clearance = \"SC\"; key = \"%K2%\"; } );\n", 3,
	    "duplicate user id \"a\" (first at line 2)" },
	{ "duplicate agency id", "agencies = ( { id = \"hcc\"; name = \"HCC\"; },\n { id = \"hcc\"; name = \"Again\"; } );\n" U1, 2,
	    "duplicate agency id \"hcc\" (first at line 1)" },
	{ "duplicate group id", AG U1 "groups = ( { id = \"g\"; members = [ ]; },\n { id = \"g\"; members = [ ]; } );\n", 4,
	    "duplicate group id \"g\" (first at line 3)" },
	{ "duplicate caveat", "caveats = ( { name = \"X\"; requires = \"y\"; },\n { name = \"X\"; requires = \"z\"; } );\n" AG U1, 2,
	    "duplicate caveat \"X\" (first at line 1)" },
	{ "duplicate key", AG "users = ( { id = \"a\"; name = \"A\"; agency = \"hcc\"; clearance = \"SC\"; key = \"%K1%\"; },\n"
	    " { id = \"b\"; name = \"B\"; agency = \"hcc\"; clearance = \"SC\"; key = \"%K1%\"; } );\n", 3,
	    "user \"b\": duplicate key: user \"a\" (line 2) has the same key" },
	{ "key too short", AG "users = ( { id = \"a\"; name = \"A\"; agency = \"hcc\"; clearance = \"SC\"; key = \"HelloWorld\"; } );\n", 2,
	    "user \"a\": malformed key (a CURVE public key is 40 Z85 characters)" },
	{ "key bad character", AG "users = ( { id = \"a\"; name = \"A\"; agency = \"hcc\"; clearance = \"SC\";\n"
	    " key = \"HelloWorldHelloWorldHelloWorldHelloWor~d\"; } );\n", 3, "user \"a\": malformed key" },
	{ "key group overflow", AG "users = ( { id = \"a\"; name = \"A\"; agency = \"hcc\"; clearance = \"SC\";\n"
	    " key = \"#####WorldHelloWorldHelloWorldHelloWorld\"; } );\n", 3, "user \"a\": malformed key" },
	{ "unknown clearance", AG "users = ( { id = \"a\"; name = \"A\"; agency = \"hcc\";\n clearance = \"S C\"; key = \"%K1%\"; } );\n", 3,
	    "user \"a\": unknown clearance \"S C\" (NONE, BPSS, CTC, SC or DV)" },
	{ "clearance lower case", AG "users = ( { id = \"a\"; name = \"A\"; agency = \"hcc\"; clearance = \"sc\"; key = \"%K1%\"; } );\n", 2,
	    "unknown clearance \"sc\"" },
	{ "unknown minimum clearance", "minimum_clearance = { secret = \"TS\"; };\n" AG U1, 1,
	    "minimum_clearance: unknown clearance \"TS\"" },
	{ "minimum clearance inverted", "minimum_clearance = { official_sensitive = \"SC\"; secret = \"BPSS\"; };\n" AG U1, 1,
	    "minimum_clearance: SECRET needs less (BPSS) than OFFICIAL-SENSITIVE (SC)" },
	{ "unknown role", AG "users = ( { id = \"a\"; name = \"A\"; agency = \"hcc\"; clearance = \"SC\"; key = \"%K1%\";\n roles = [ \"admin\", \"superuser\" ]; } );\n", 3,
	    "user \"a\": unknown role \"superuser\" (admin, chair, auditor or approver)" },
	{ "attribute no caveat needs", "caveats = ( { name = \"PERSONAL-DATA\"; requires = \"safeguarding\"; } );\n" AG
	    "users = ( { id = \"a\"; name = \"A\"; agency = \"hcc\"; clearance = \"SC\"; key = \"%K1%\";\n attributes = [ \"safegaurding\" ]; } );\n", 4,
	    "user \"a\": attribute \"safegaurding\" is required by no caveat" },
	{ "malformed caveat name", "caveats = ( { name = \"personal data\"; requires = \"x\"; } );\n" AG U1, 1,
	    "malformed caveat name \"personal data\"" },
	{ "caveat is a marking word", "caveats = ( { name = \"LOCSEN\"; requires = \"x\"; } );\n" AG U1, 1,
	    "\"LOCSEN\" is a marking word, not a caveat" },
	{ "malformed date", AG USER("\nclearance_expires = \"2024-02-30\";"), 3,
	    "user \"a\": malformed clearance_expires \"2024-02-30\" (a date YYYY-MM-DD)" },
	{ "malformed date form", AG USER("clearance_expires = \"2024-2-3\";"), 2,
	    "malformed clearance_expires \"2024-2-3\"" },
	{ "date not leap", AG USER("clearance_expires = \"2023-02-29\";"), 2,
	    "malformed clearance_expires \"2023-02-29\"" },
	{ "clearance not a string", AG "users = ( { id = \"a\"; name = \"A\"; agency = \"hcc\";\n clearance = 3; key = \"%K1%\"; } );\n", 3,
	    "user \"a\": \"clearance\" must be a string" },
	{ "enabled not a bool", AG USER("enabled = \"no\";"), 2,
	    "user \"a\": \"enabled\" must be true or false" },
	{ "roles not a list", AG USER("roles = \"admin\";"), 2,
	    "user \"a\": \"roles\" must be a list of strings" },
	{ "users not a list", AG "users = { id = \"a\"; };\n", 2, "policy: \"users\" must be a list" },
	{ "user not a group", AG "users = ( \"a\" );\n", 2, "users[0] must be a group" },
	{ "malformed user id", AG "users = ( { id = \"a b\"; name = \"A\"; agency = \"hcc\"; clearance = \"SC\"; key = \"%K1%\"; } );\n", 2,
	    "users[0]: malformed id \"a b\"" },
	{ "id with a newline stays one line", AG "users = ( { id = \"a\\nb\"; name = \"A\"; agency = \"hcc\"; clearance = \"SC\"; key = \"%K1%\"; } );\n", 2,
	    "users[0]: malformed id \"a?b\"" },
	{ "name empty", AG "users = ( { id = \"a\"; name = \"\"; agency = \"hcc\"; clearance = \"SC\"; key = \"%K1%\"; } );\n", 2,
	    "user \"a\": name must be 1-256 printable characters" },
	{ "setting given twice", AG U1 "users = ( );\n", 3, "duplicate setting name" },
	{ "include", "@include \"/etc/passwd\"\n" AG U1, 1,
	    "@include is not allowed" },
};

static void
test_load_faults(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		const struct fault *f = &faults[i];
		char err[512], prefix[64], *text;
		policy_t *p = (policy_t *)&p;
		int rc;

		text = expand(f->text);
		rc = policy_load_string(text, "t.conf", &p, err, sizeof(err));
		free(text);
		if (f->line > 0)
			snprintf(prefix, sizeof(prefix), "t.conf:%u: ", f->line);
		else
			snprintf(prefix, sizeof(prefix), "t.conf: ");
		if (rc != ISA_ERR_CONFIG || p != NULL ||
		    strncmp(err, prefix, strlen(prefix)) != 0 ||
		    strstr(err, f->want) == NULL || strchr(err, '\n') != NULL)
		{
			print_error("%s:%d: fault \"%s\": rc %d (%s), want "
			    "\"%s%s...\", got \"%s\"\n", __FILE__, __LINE__,
			    f->label, rc, isa_strerror(rc), prefix, f->want, err);
			bad++;
		}
	}
	if (bad > 0)
		fail_msg("%d load faults reported wrongly", bad);
}

static void
test_too_many_caveats(void **state)
{
	char *text = malloc(65536), err[256];
	size_t n = 0;
	policy_t *p;
	int i;

	(void)state;
	assert_non_null(text);
	n += (size_t)sprintf(text + n, "caveats = (\n");
	for (i = 0; i < 65; i++)
		n += (size_t)sprintf(text + n, "%s{ name = \"C%d\"; requires = \"a%d\"; }\n",
		    i ? "," : "", i, i);
	n += (size_t)sprintf(text + n, ");\n%s", AG);
	sprintf(text + n, "users = ( );\n");
	assert_int_equal(policy_load_string(text, "t.conf", &p, err, sizeof(err)),
	    ISA_ERR_CONFIG);
	CHECK(strstr(err, "t.conf:1: caveats: more than 64") != NULL, err);
	free(text);
}

static void
test_load_file(void **state)
{
	char path[] = "/tmp/test_policy_load.XXXXXX", err[512], *text, want[128];
	policy_t *p;
	FILE *f;
	int fd;

	(void)state;
	assert_int_equal(policy_load("/nonexistent/policy.conf", &p, err,
	    sizeof(err)), ISA_ERR_NOTFOUND);
	assert_null(p);
	CHECK(strstr(err, "/nonexistent/policy.conf: cannot open") == err, err);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	text = expand(base_policy);
	fputs(text, f);
	fclose(f);
	free(text);
	CHECK(policy_load(path, &p, err, sizeof(err)) == 0, err);
	assert_string_equal(policy_source(p), path);
	policy_unref(p);

	/* A fault names the file's own path. */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(AG "\nusers = ( { id = \"a\"; } );\n", f);
	fclose(f);
	assert_int_equal(policy_load(path, &p, err, sizeof(err)), ISA_ERR_CONFIG);
	snprintf(want, sizeof(want), "%s:3: user \"a\": missing setting", path);
	CHECK(strstr(err, want) == err, err);

	/* A NUL byte would silently cut the file short in libconfig. */
	f = fopen(path, "w");
	assert_non_null(f);
	fwrite(AG "\0users = ( );", 1, sizeof(AG) + 12, f);
	fclose(f);
	assert_int_equal(policy_load(path, &p, err, sizeof(err)), ISA_ERR_CONFIG);
	CHECK(strstr(err, "NUL byte") != NULL, err);
	unlink(path);

	/* A NULL or empty error buffer is allowed. */
	assert_int_equal(policy_load_string("x", "t", &p, NULL, 0), ISA_ERR_CONFIG);
	assert_int_equal(policy_load_string("", "t", &p, err, sizeof(err)),
	    ISA_ERR_CONFIG);
	CHECK(strstr(err, "missing setting \"agencies\"") != NULL, err);
}

/* Listings in id order (the directory): policy.conf's order is not it. */
static void
test_in_id_order(void **state)
{
	policy_t *p = load_ok(base_policy);

	(void)state;
	assert_string_equal(policy_group_id_at(p, 0), "ppb");
	assert_string_equal(policy_group_id_at(p, 1), "inner");
	assert_null(policy_group_id_at(p, 2));
	/* hcc, ctpse -> ctpse, hcc */
	assert_int_equal(policy_agency_nth(p, 0), 1);
	assert_int_equal(policy_agency_nth(p, 1), 0);
	assert_int_equal(policy_agency_nth(p, 2), 2);
	/* ppb, inner -> inner, ppb */
	assert_int_equal(policy_group_nth(p, 0), 1);
	assert_int_equal(policy_group_nth(p, 1), 0);
	assert_int_equal(policy_group_nth(p, 5), 2);
	/* board-admin, ctp-analyst, council-lead -> board-admin,
	 * council-lead, ctp-analyst */
	assert_int_equal(policy_user_nth(p, 0), 0);
	assert_int_equal(policy_user_nth(p, 1), 2);
	assert_int_equal(policy_user_nth(p, 2), 1);
	assert_int_equal(policy_user_nth(p, 3), 3);
	policy_unref(p);
	p = load_ok("agencies = ( );\nusers = ( );\ngroups = ( );\n");
	assert_int_equal(policy_agency_nth(p, 0), 0);
	assert_int_equal(policy_group_nth(p, 0), 0);
	assert_int_equal(policy_user_nth(p, 0), 0);
	assert_null(policy_group_id_at(p, 0));
	policy_unref(p);
}

static void
test_empty_lists(void **state)
{
	policy_t *p = load_ok("agencies = ( );\nusers = ( );\ngroups = ( );\ncaveats = [ ];\n");
	policy_principal_t pr;

	(void)state;
	assert_int_equal(policy_user_count(p), 0);
	assert_null(policy_user_by_id(p, "a"));
	assert_int_equal(policy_principal_resolve(p, "group:g", &pr),
	    ISA_ERR_NOTFOUND);
	policy_unref(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_loads),
		cmocka_unit_test(test_clearance_expiry),
		cmocka_unit_test(test_principals),
		cmocka_unit_test(test_refcount),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_z85),
		cmocka_unit_test(test_load_faults),
		cmocka_unit_test(test_too_many_caveats),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_empty_lists),
		cmocka_unit_test(test_in_id_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
