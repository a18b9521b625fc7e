/* directory.c: the Directory request: who is enrolled (agencies, groups, users) in the policy in force, and the markings it allows. */
#include "daemon/docs/directory.h"

#include "policy/marking.h"
#include "policy/policy.h"

static void
agencies(job_t *j, Isa__DirectoryReply *rep)
{
	size_t n = policy_agency_count(j->policy);

	rep->agencies = job_alloc(j, sizeof(*rep->agencies) * (n + 1));
	for (size_t i = 0; i < n; i++) {
		size_t at = policy_agency_nth(j->policy, i);
		Isa__DirAgency *a = job_alloc(j, sizeof(*a));

		isa__dir_agency__init(a);
		a->id = job_strdup(j, policy_agency_id_at(j->policy, at));
		a->name = job_strdup(j, policy_agency_name_at(j->policy, at));
		rep->agencies[rep->n_agencies++] = a;
	}
}

static void
groups(job_t *j, Isa__DirectoryReply *rep)
{
	size_t n = policy_group_count(j->policy);

	rep->groups = job_alloc(j, sizeof(*rep->groups) * (n + 1));
	for (size_t i = 0; i < n; i++) {
		Isa__DirGroup *g = job_alloc(j, sizeof(*g));

		isa__dir_group__init(g);
		g->id = job_strdup(j, policy_group_id_at(j->policy,
		    policy_group_nth(j->policy, i)));
		rep->groups[rep->n_groups++] = g;
	}
}

/* Disabled users are left out: they are refused at once and can hold
 * nothing, so no picker should offer them. */
static void
users(job_t *j, Isa__DirectoryReply *rep)
{
	size_t n = policy_user_count(j->policy);

	rep->users = job_alloc(j, sizeof(*rep->users) * (n + 1));
	for (size_t i = 0; i < n; i++) {
		const policy_user_t *pu = policy_user_at(j->policy,
		    policy_user_nth(j->policy, i));
		policy_user_view_t v;
		Isa__DirUser *u;

		policy_user_view(j->policy, pu, j->now, &v);
		if (!v.enabled)
			continue;
		u = job_alloc(j, sizeof(*u));
		isa__dir_user__init(u);
		u->id = job_strdup(j, v.id);
		u->name = job_strdup(j, v.name);
		u->agency = job_strdup(j, v.agency);
		rep->users[rep->n_users++] = u;
	}
}

/* In the order a marking line prints them (byte order of their names). */
static void
caveats(job_t *j, Isa__DirectoryReply *rep)
{
	size_t n = policy_caveat_count(j->policy);

	rep->caveats = job_alloc(j, sizeof(*rep->caveats) * (n + 1));
	for (size_t i = 0; i < n; i++) {
		size_t at = policy_caveat_nth(j->policy, i);
		Isa__DirCaveat *c = job_alloc(j, sizeof(*c));

		isa__dir_caveat__init(c);
		c->name = job_strdup(j, policy_caveat_name_at(j->policy, at));
		c->requires = job_strdup(j, policy_caveat_requires_at(j->policy,
		    at));
		c->minimum_classification = job_strdup(j,
		    policy_classification_name(
		    policy_caveat_minimum_classification(j->policy, at)));
		rep->caveats[rep->n_caveats++] = c;
	}
}

static void
descriptors(job_t *j, Isa__DirectoryReply *rep)
{
	size_t n = policy_descriptor_count();

	rep->descriptors = job_alloc(j, sizeof(*rep->descriptors) * (n + 1));
	for (size_t i = 0; i < n; i++)
		rep->descriptors[rep->n_descriptors++] = job_strdup(j,
		    policy_descriptor_name_at(i));
}

/* Up to the deployment's ceiling, lowest first: nothing above it may be
 * uploaded, so no chooser should offer it. */
static void
classifications(worker_ctx_t *w, job_t *j, Isa__DirectoryReply *rep)
{
	classification_t top = w->env->accreditation;

	rep->classifications = job_alloc(j, sizeof(*rep->classifications) *
	    ((size_t)top + 2));
	for (unsigned c = CLASSIFICATION_OFFICIAL; c <= (unsigned)top &&
	    c < CLASSIFICATION_TOP_SECRET; c++) {
		Isa__DirClass *k = job_alloc(j, sizeof(*k));

		isa__dir_class__init(k);
		k->name = job_strdup(j, policy_classification_name(
		    (classification_t)c));
		k->minimum_clearance = job_strdup(j, policy_clearance_name(
		    policy_minimum_clearance(j->policy, (classification_t)c)));
		rep->classifications[rep->n_classifications++] = k;
	}
}

void
directory_list(worker_ctx_t *w, job_t *j)
{
	Isa__DirectoryReply *rep = job_alloc(j, sizeof(*rep));

	isa__directory_reply__init(rep);
	agencies(j, rep);
	groups(j, rep);
	users(j, rep);
	caveats(j, rep);
	descriptors(j, rep);
	classifications(w, j, rep);
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_DIRECTORY_REPLY;
	j->resp.directory_reply = rep;
}
