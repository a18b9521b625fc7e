/* current.c: the policy in force, swapped atomically on reload. */
#include <pthread.h>
#include <stddef.h>

#include "daemon/ctx/current.h"

static pthread_mutex_t current_lock = PTHREAD_MUTEX_INITIALIZER;
static policy_t *current;

void
current_policy_set(policy_t *p)
{
	policy_t *old;

	pthread_mutex_lock(&current_lock);
	old = current;
	current = p;
	pthread_mutex_unlock(&current_lock);
	policy_unref(old);
}

policy_t *
current_policy_get(void)
{
	policy_t *p;

	pthread_mutex_lock(&current_lock);
	p = current != NULL ? policy_ref(current) : NULL;
	pthread_mutex_unlock(&current_lock);
	return p;
}
