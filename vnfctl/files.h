/* Files vnfctl reads and writes: inputs, outputs, and the state it keeps to undo its changes
 * (originals of domain definitions and NIC settings).  0 or -errno with err. */
#ifndef VNFCTL_FILES_H
#define VNFCTL_FILES_H
#include <stddef.h>
#include <sys/types.h>

#define FILE_MAX (16 << 20) /* bytes file_read_all accepts */

/* $VNFCTL_STATE_DIR, or fallback. */
const char *state_dir(const char *fallback);
/* mkdir -p dir, new directories 0700 (the state holds secrets). */
int state_mkdir(const char *dir, char *err, size_t errlen);
/* The whole file (path "-": standard input), NUL-terminated; the caller frees *buf. */
int file_read_all(const char *path, char **buf, size_t *len, char *err, size_t errlen);
/* Writes data to path through a temporary file renamed over it: readers see the old or the
 * new file, never half of one.  mode for a new file. */
int file_write_atomic(const char *path, const char *data, size_t len, mode_t mode, char *err,
		      size_t errlen);

/* The file name in the directory of this program (the vnfdp beside vnfctl): 0 when it is
 * readable, -ENOENT otherwise. */
int file_beside_self(const char *name, char *out, size_t len);

#endif
