#include <string.h>
#include "app.h"

static const struct app_ops *const app_builtin[] = {
	&app_echo_ops,
	&app_sink_ops,
	&app_udp_echo_ops,
	&app_router_ops,
};

const struct app_ops *app_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(app_builtin); i++)
		if (strcmp(app_builtin[i]->name, name) == 0)
			return app_builtin[i];
	return NULL;
}
