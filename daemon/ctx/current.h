/* current.h: the policy in force, swapped atomically on reload. */
#ifndef ISA_DAEMON_CURRENT_H
#define ISA_DAEMON_CURRENT_H

#include "policy/policy.h"

/*
 * The one policy in force.  Readers take a reference for the length of one
 * request or handshake, so a reload never changes a decision half-way: what
 * is in flight finishes under the policy it started with.
 */

/* Install p as the policy in force, taking over the caller's reference; the
 * old one is released (freed once its last reader is done). */
void current_policy_set(policy_t *p);

/* A new reference to the policy in force (NULL before the first set); the
 * caller releases it with policy_unref. */
policy_t *current_policy_get(void);

#endif
