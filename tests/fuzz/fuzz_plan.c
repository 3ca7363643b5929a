/* libFuzzer target: arbitrary bytes as a plan file through plan_parse (vnfctl/plan.c, with the
 * dataplane's config parser it calls for each VM's dataplane).  Properties, trapped when
 * violated: no crash, no leak (ASan); a refused plan leaves a message and no steps; an
 * accepted one has every step's command and undo NULL-terminated, a "what", and VM indexes
 * within the plan's VMs. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "../../vnfctl/plan.c"

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan p;
	char err[512] = "";

	if (plan_parse((const char *)data, size, "/state", &p, err, sizeof(err))) {
		REQUIRE(err[0] != '\0');
		REQUIRE(p.steps == NULL && p.n_steps == 0);
		return 0;
	}
	for (unsigned i = 0; i < p.n_steps; i++) {
		const struct plan_step *s = &p.steps[i];
		char line[2048];
		REQUIRE(s->argv[0] != NULL && s->what[0] != '\0');
		REQUIRE(s->vm < (int)p.n_vms);
		plan_argv_line((char *const *)s->argv, line, sizeof(line));
	}
	for (unsigned i = 0; i < p.n_vms; i++) {
		char *dp = plan_vm_dataplane(&p, i);
		REQUIRE(dp != NULL);
		free(dp);
	}
	plan_free(&p);
	return 0;
}
