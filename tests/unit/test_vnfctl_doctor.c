/* vnfctl doctor's judgments on text (doctor_checks.c): qemu.conf's cgroup_device_acl and
 * strings, an emulator's device list and version line. */
#include <string.h>
#include "check.h"
#include "doctor_checks.h"

static int acl(const char *conf)
{
	return doctor_acl_allows(conf, strlen(conf), "/dev/netmap");
}

static void t_acl(void)
{
	/* Debian's qemu.conf ships the setting commented out: libvirt's own list applies */
	CHECK(acl("#cgroup_device_acl = [\n#    \"/dev/null\", \"/dev/netmap\"\n#]\n") == -1);
	CHECK(acl("") == -1);
	CHECK(acl("cgroup_device_acl = [ \"/dev/null\", \"/dev/netmap\" ]\n") == 1);
	CHECK(acl("cgroup_device_acl = [\n    \"/dev/null\", \"/dev/full\",\n"
		  "    \"/dev/netmap\",\n    \"/dev/kvm\"\n]\n") == 1);
	CHECK(acl("cgroup_device_acl = [ \"/dev/null\", \"/dev/kvm\" ]\n") == 0);
	/* a name that only starts like it, one inside a comment within the list */
	CHECK(acl("cgroup_device_acl = [ \"/dev/netmapx\", \"/dev/null\" ]\n") == 0);
	CHECK(acl("cgroup_device_acl = [ \"/dev/null\",\n# \"/dev/netmap\",\n \"/dev/kvm\" ]\n") ==
	      0);
	/* another key that ends the same way is not it */
	CHECK(acl("my_cgroup_device_acl = [ \"/dev/netmap\" ]\n") == -1);
	CHECK(acl("cgroup_device_acl=[\"/dev/netmap\"]") == 1);
}

static void t_conf_string(void)
{
	const char *c = "# security_driver = \"selinux\"\nsecurity_driver = \"apparmor\"\n"
			"user = \"libvirt-qemu\"\n";
	char v[32];

	CHECK(doctor_conf_string(c, strlen(c), "security_driver", v, sizeof(v)) == 0);
	CHECK_STR(v, "apparmor");
	CHECK(doctor_conf_string(c, strlen(c), "user", v, sizeof(v)) == 0);
	CHECK_STR(v, "libvirt-qemu");
	CHECK(doctor_conf_string(c, strlen(c), "group", v, sizeof(v)) == -1);
	c = "#security_driver = \"none\"\n";
	CHECK(doctor_conf_string(c, strlen(c), "security_driver", v, sizeof(v)) == -1);
}

static void t_device_and_version(void)
{
	const char *help =
		"Network devices:\nname \"e1000\", bus PCI\nname \"ptnet-pci\", bus PCI, "
		"desc \"ptnet\"\nname \"virtio-net-pci\", bus PCI\n";
	unsigned a, b, c;

	CHECK(doctor_device_listed(help, "ptnet-pci"));
	CHECK(doctor_device_listed(help, "virtio-net-pci"));
	CHECK(!doctor_device_listed(help, "ptnet"));
	CHECK(!doctor_device_listed("name \"virtio-net-pci\"", "ptnet-pci"));
	CHECK(doctor_qemu_version("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18)\n",
				  &a, &b, &c) == 0);
	CHECK(a == 7 && b == 2 && c == 22);
	CHECK(doctor_qemu_version("QEMU emulator version 3.0.94\n", &a, &b, &c) == 0);
	CHECK(a == 3 && b == 0 && c == 94);
	CHECK(doctor_qemu_version("QEMU emulator version 4.2\n", &a, &b, &c) == 0);
	CHECK(a == 4 && b == 2 && c == 0);
	CHECK(doctor_qemu_version("not qemu", &a, &b, &c) == -1);
	CHECK(doctor_qemu_version("version x.y", &a, &b, &c) == -1);
	CHECK_STR(doctor_status_name(DOCTOR_WARNING), "warning");
}

CHECK_MAIN("vnfctl_doctor", TEST(t_acl), TEST(t_conf_string), TEST(t_device_and_version))
