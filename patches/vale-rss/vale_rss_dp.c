/* The dataplane's parser and hash, compiled into the module from the very files vnfdp is built
 * from (dataplane/portable.h picks the kernel's headers): not a copy that could drift. */
#include "../../dataplane/pkt.c"
#include "../../dataplane/rss.c"
