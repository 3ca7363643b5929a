/* vnfctl doctor's judgments on text it has read: libvirt's qemu.conf, an emulator's device
 * list and version.  Pure: text in, facts out. */
#ifndef VNFCTL_DOCTOR_CHECKS_H
#define VNFCTL_DOCTOR_CHECKS_H
#include <stddef.h>

enum doctor_status { DOCTOR_OK = 0, DOCTOR_WARNING, DOCTOR_ERROR };

/* qemu.conf's cgroup_device_acl (a list that may span lines; # comments): 1 when it names
 * dev, 0 when it does not, -1 when the setting is absent or commented out (libvirt's
 * built-in list then applies, which has no /dev/netmap). */
int doctor_acl_allows(const char *conf, size_t len, const char *dev);
/* qemu.conf's `key = "value"` (uncommented); out gets the value, 0 when found, -1 if not. */
int doctor_conf_string(const char *conf, size_t len, const char *key, char *out, size_t outlen);
/* `qemu-system-x86_64 -device help` lists name: 1 when it does ("name \"ptnet-pci\""). */
int doctor_device_listed(const char *help, const char *name);
/* "QEMU emulator version 7.2.22 (Debian ...)": 0 and the three numbers, or -1. */
int doctor_qemu_version(const char *text, unsigned *major, unsigned *minor, unsigned *micro);
const char *doctor_status_name(enum doctor_status s);

#endif
