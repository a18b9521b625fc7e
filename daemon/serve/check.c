/* check.c: `isad check`: isad.conf and policy.conf validated, and a summary of who holds which role. */
#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "common/log.h"
#include "daemon/serve/check.h"
#include "policy/policy.h"

/* Print "; ROLE a, b" for the users of agency with role; returns how many. */
static int
print_role(const policy_t *p, const char *agency, unsigned role,
    const char *name)
{
	int first = 1;

	for (size_t i = 0; i < policy_user_count(p); i++) {
		policy_user_view_t v;

		policy_user_view(p, policy_user_at(p, i), 0, &v);
		if (!(v.roles & role) || strcmp(v.agency, agency) != 0)
			continue;
		printf("%s %s%s%s", first ? "" : ",", first ? name : "", first ?
		    " " : "", v.id);
		first = 0;
	}
	if (!first)
		printf(";");
	return !first;
}

int
check_run(const isad_config_t *cfg)
{
	static const struct { unsigned bit; const char *name; } roles[] = {
		{ ROLE_ADMIN, "admin" }, { ROLE_CHAIR, "chair" },
		{ ROLE_AUDITOR, "auditor" }, { ROLE_APPROVER, "approver" },
	};
	char err[512];
	policy_t *p = NULL;
	size_t enabled = 0;

	if (policy_load(cfg->policy, &p, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return 1;
	}
	for (size_t i = 0; i < policy_user_count(p); i++) {
		policy_user_view_t v;

		policy_user_view(p, policy_user_at(p, i), clock_wall_s(), &v);
		enabled += v.enabled;
	}
	printf("%s: ok: listen %s, data dir %s, accreditation %s\n",
	    cfg->path, cfg->listen, cfg->data_dir, cfg->accreditation);
	printf("%s: ok: %zu agencies, %zu users (%zu enabled), %zu groups\n",
	    cfg->policy, policy_agency_count(p), policy_user_count(p), enabled,
	    policy_group_count(p));
	for (size_t a = 0; a < policy_agency_count(p); a++) {
		const char *id = policy_agency_id_at(p, a);

		int any = 0;

		printf("  %s (%s):", id, policy_agency_name_at(p, a));
		for (size_t r = 0; r < sizeof(roles) / sizeof(roles[0]); r++)
			any += print_role(p, id, roles[r].bit, roles[r].name);
		printf("%s\n", any ? "" : " no admin, chair, auditor or "
		    "approver");
	}
	policy_unref(p);
	return 0;
}
