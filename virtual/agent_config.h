/* agent_config.h - a virtual_agent_t from main.cf: the three tables
 * opened, virtual_mailbox_base checked (absolute, not empty), locks
 * parsed. -1 with *err for a configuration the daemon cannot run with. */
#ifndef POSTERN_VIRTUAL_AGENT_CONFIG_H
#define POSTERN_VIRTUAL_AGENT_CONFIG_H

#include "virtual/agent.h"

int virtual_agent_from_config(virtual_agent_t *a, const queue_t *q, char **err);
void virtual_agent_dispose(virtual_agent_t *a);
/* True when one of the tables changed on disk (the process retires). */
bool virtual_tables_changed(const virtual_agent_t *a);

#endif
