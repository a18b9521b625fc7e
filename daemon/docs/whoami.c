/* whoami.c: the requests about the daemon and the caller themselves: ping and whoami. */
#include "daemon/docs/whoami.h"

#define ISA_VERSION_STRING "isa 0.1.0"

void
docs_ping(worker_ctx_t *w, job_t *j)
{
	Isa__Pong *p = job_alloc(j, sizeof(*p));

	(void)w;
	isa__pong__init(p);
	p->server_version = job_strdup(j, ISA_VERSION_STRING);
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_PONG;
	j->resp.pong = p;
}

void
docs_whoami(worker_ctx_t *wc, job_t *j)
{
	static const unsigned roles[] = { ROLE_ADMIN, ROLE_CHAIR, ROLE_AUDITOR,
	    ROLE_APPROVER };
	Isa__WhoAmIResponse *w = job_alloc(j, sizeof(*w));
	policy_user_view_t v;

	(void)wc;
	policy_user_view(j->policy, j->subject, j->now, &v);
	isa__who_am_iresponse__init(w);
	w->id = job_strdup(j, v.id);
	w->name = job_strdup(j, v.name);
	w->agency = job_strdup(j, v.agency);
	w->agency_name = job_strdup(j, v.agency_name);
	w->clearance = job_strdup(j, policy_clearance_name(v.clearance));
	w->effective_clearance = job_strdup(j,
	    policy_clearance_name(v.effective));
	w->clearance_expires = job_strdup(j, v.clearance_expires != NULL ?
	    v.clearance_expires : "");
	w->roles = job_alloc(j, sizeof(char *) * 4);
	for (size_t i = 0; i < 4; i++)
		if (v.roles & roles[i])
			w->roles[w->n_roles++] = job_strdup(j,
			    policy_role_name(roles[i]));
	w->attributes = job_alloc(j, sizeof(char *) * (v.n_attributes + 1));
	for (size_t i = 0; i < v.n_attributes; i++)
		w->attributes[w->n_attributes++] = job_strdup(j,
		    v.attributes[i]);
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_WHOAMI_REPLY;
	j->resp.whoami_reply = w;
}
