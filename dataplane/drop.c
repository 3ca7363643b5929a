#include "drop.h"

static const char *const drop_names[DROP_MAX] = { [DROP_NONE] = "none",
#define DROP_NAME(id, name) [DROP_##id] = name,
						  DROP_REASONS(DROP_NAME)
#undef DROP_NAME
};

const char *drop_reason_name(enum drop_reason r)
{
	if ((unsigned)r >= DROP_MAX)
		return 0;
	return drop_names[r];
}
