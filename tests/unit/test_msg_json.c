/* test_msg_json.c: the JSON shapes of isad's replies (client/msg_json.c) that `isa --json` and isa ui's API share: document summaries and the directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "client/msg_json.h"

/* j as compact text, sorted keys, for comparison with a golden line. */
static void
assert_json(json_t *j, const char *want)
{
	char *text;

	assert_non_null(j);
	text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	assert_non_null(text);
	assert_string_equal(text, want);
	free(text);
	json_decref(j);
}

/* Every field present, empty ones too, and bytes that are not UTF-8
 * replaced, so a page can rely on the members. */
static void
test_doc_summary(void **state)
{
	Isa__DocSummary d = ISA__DOC_SUMMARY__INIT;

	(void)state;
	d.id = "7QK3MZ2XW4ABCDEFGHJKLMNPQA";
	d.marking = "OFFICIAL-SENSITIVE";
	d.title = "CTLP \xff";
	d.classification = "OFFICIAL-SENSITIVE";
	d.originator = "ctpse";
	assert_json(msg_json_doc_summary(&d),
	    "{\"classification\":\"OFFICIAL-SENSITIVE\",\"created\":\"\","
	    "\"id\":\"7QK3MZ2XW4ABCDEFGHJKLMNPQA\",\"marking\":"
	    "\"OFFICIAL-SENSITIVE\",\"originator\":\"ctpse\",\"title\":"
	    "\"CTLP \\uFFFD\"}");
}

/* The one object of /api/directory, in isad's order; and an empty one. */
static void
test_directory(void **state)
{
	Isa__DirAgency a1 = ISA__DIR_AGENCY__INIT, a2 = ISA__DIR_AGENCY__INIT;
	Isa__DirGroup g = ISA__DIR_GROUP__INIT;
	Isa__DirUser u = ISA__DIR_USER__INIT;
	Isa__DirAgency *ag[] = { &a1, &a2 };
	Isa__DirGroup *gr[] = { &g };
	Isa__DirUser *us[] = { &u };
	Isa__DirCaveat c1 = ISA__DIR_CAVEAT__INIT, c2 = ISA__DIR_CAVEAT__INIT;
	Isa__DirClass k1 = ISA__DIR_CLASS__INIT, k2 = ISA__DIR_CLASS__INIT;
	Isa__DirCaveat *cv[] = { &c1, &c2 };
	Isa__DirClass *cl[] = { &k1, &k2 };
	char *ds[] = { "PERSONAL", "COMMERCIAL", "LOCSEN" };
	Isa__DirectoryReply d = ISA__DIRECTORY_REPLY__INIT;

	(void)state;
	assert_json(msg_json_directory(&d),
	    "{\"agencies\":[],\"caveats\":[],\"classifications\":[],"
	    "\"descriptors\":[],\"groups\":[],\"users\":[]}");
	a1.id = "ctpse";
	a1.name = "Counter Terrorism Policing South East";
	a2.id = "hcc";
	a2.name = "Hampshire County Council";
	g.id = "ppb";
	u.id = "council-lead";
	u.name = "Council Lead";
	u.agency = "hcc";
	d.agencies = ag;
	d.n_agencies = 2;
	d.groups = gr;
	d.n_groups = 1;
	d.users = us;
	d.n_users = 1;
	c1.name = "PERSONAL-DATA";
	c1.requires = "safeguarding";
	c1.minimum_classification = "OFFICIAL";
	c2.name = "UK-EYES-ONLY";
	c2.requires = "uk-national";
	c2.minimum_classification = "SECRET";
	d.caveats = cv;
	d.n_caveats = 2;
	d.descriptors = ds;
	d.n_descriptors = 3;
	k1.name = "OFFICIAL";
	k1.minimum_clearance = "NONE";
	k2.name = "OFFICIAL-SENSITIVE";
	k2.minimum_clearance = "BPSS";
	d.classifications = cl;
	d.n_classifications = 2;
	assert_json(msg_json_directory(&d),
	    "{\"agencies\":[{\"id\":\"ctpse\",\"name\":\"Counter Terrorism "
	    "Policing South East\"},{\"id\":\"hcc\",\"name\":\"Hampshire "
	    "County Council\"}],\"caveats\":[{\"minimum_classification\":"
	    "\"OFFICIAL\",\"name\":\"PERSONAL-DATA\",\"requires\":"
	    "\"safeguarding\"},{\"minimum_classification\":\"SECRET\","
	    "\"name\":\"UK-EYES-ONLY\",\"requires\":\"uk-national\"}],"
	    "\"classifications\":[{\"minimum_clearance\":\"NONE\",\"name\":"
	    "\"OFFICIAL\"},{\"minimum_clearance\":\"BPSS\",\"name\":"
	    "\"OFFICIAL-SENSITIVE\"}],\"descriptors\":[\"PERSONAL\","
	    "\"COMMERCIAL\",\"LOCSEN\"],\"groups\":[{\"id\":\"ppb\"}],"
	    "\"users\":[{\"agency\":\"hcc\",\"id\":\"council-lead\","
	    "\"name\":\"Council Lead\"}]}");
	assert_json(msg_json_dir_caveat(&c2), "{\"minimum_classification\":"
	    "\"SECRET\",\"name\":\"UK-EYES-ONLY\",\"requires\":"
	    "\"uk-national\"}");
	assert_json(msg_json_dir_class(&k2), "{\"minimum_clearance\":"
	    "\"BPSS\",\"name\":\"OFFICIAL-SENSITIVE\"}");
	assert_json(msg_json_dir_descriptor("LOCSEN"),
	    "{\"name\":\"LOCSEN\"}");
	assert_json(msg_json_dir_user(&u), "{\"agency\":\"hcc\",\"id\":"
	    "\"council-lead\",\"name\":\"Council Lead\"}");
	assert_json(msg_json_dir_group(&g), "{\"id\":\"ppb\"}");
	assert_json(msg_json_dir_agency(&a2), "{\"id\":\"hcc\",\"name\":"
	    "\"Hampshire County Council\"}");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc_summary),
		cmocka_unit_test(test_directory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
