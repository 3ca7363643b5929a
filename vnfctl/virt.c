#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libvirt/libvirt.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/virterror.h>
#include "agent.h"
#include "virt.h"

struct virt {
	virConnectPtr conn;
};

/* libvirt's last error as one line. */
static int virt_err(char *err, size_t errlen, int ret, const char *what)
{
	const char *msg = virGetLastErrorMessage();
	snprintf(err, errlen, "%s: %s", what, msg && *msg ? msg : "unknown libvirt error");
	return ret;
}

static void virt_quiet(void *data, virErrorPtr e)
{
	(void)data;
	(void)e;
}

int virt_open(struct virt **out, const char *uri, char *err, size_t errlen)
{
	struct virt *v = calloc(1, sizeof(*v));

	*out = NULL;
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* libvirt prints its errors to stderr by default; the CLI prints them once, itself */
	virSetErrorFunc(NULL, virt_quiet);
	/* the embedded QEMU driver (qemu:///embed?root=DIR) runs in this process and needs an
	 * event loop registered; vnfctl's calls are synchronous, so none has to run */
	if (virEventRegisterDefaultImpl() < 0) {
		free(v);
		return virt_err(err, errlen, -EIO, "cannot set up libvirt's event loop");
	}
	v->conn = virConnectOpen(uri);
	if (!v->conn) {
		free(v);
		return virt_err(err, errlen, -EIO, "cannot connect");
	}
	*out = v;
	return 0;
}

void virt_close(struct virt *v)
{
	if (!v)
		return;
	virConnectClose(v->conn);
	free(v);
}

static virDomainPtr lookup(struct virt *v, const char *name, char *err, size_t errlen, int *ret)
{
	virDomainPtr d = virDomainLookupByName(v->conn, name);

	if (!d) {
		virErrorPtr e = virGetLastError();
		*ret = e && e->code == VIR_ERR_NO_DOMAIN ? -ENOENT : -EIO;
		if (*ret == -ENOENT)
			snprintf(err, errlen, "no such domain");
		else
			virt_err(err, errlen, -EIO, "cannot look the domain up");
	}
	return d;
}

static char *inactive_xml(virDomainPtr d)
{
	return virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
}

int virt_domain_xml(struct virt *v, const char *name, int secure, char **xml, char uuid[37],
		    char *err, size_t errlen)
{
	int ret = 0;
	virDomainPtr d = lookup(v, name, err, errlen, &ret);

	*xml = NULL;
	if (!d)
		return ret;
	*xml = secure ? inactive_xml(d) : virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE);
	if (!*xml)
		ret = virt_err(err, errlen, -EIO, "cannot read its XML");
	else if (virDomainGetUUIDString(d, uuid) < 0)
		ret = virt_err(err, errlen, -EIO, "cannot read its UUID");
	virDomainFree(d);
	return ret;
}

int virt_domain_define(struct virt *v, const char *name, const char *expected, const char *xml,
		       char **readback, char *err, size_t errlen)
{
	int ret = 0;
	virDomainPtr d = lookup(v, name, err, errlen, &ret), nd = NULL;
	char *now = NULL;

	*readback = NULL;
	if (!d)
		return ret;
	/* As `virsh edit` does: the definition must be the one the change was made to. */
	now = inactive_xml(d);
	if (!now) {
		ret = virt_err(err, errlen, -EIO, "cannot re-read its XML");
		goto out;
	}
	if (strcmp(now, expected) != 0) {
		snprintf(err, errlen,
			 "its definition changed while vnfctl was editing it; nothing was defined "
			 "(run the command again)");
		ret = -EAGAIN;
		goto out;
	}
	nd = virDomainDefineXMLFlags(v->conn, xml, VIR_DOMAIN_DEFINE_VALIDATE);
	if (!nd) {
		ret = virt_err(err, errlen, -EINVAL, "libvirt refused the new definition");
		goto out;
	}
	*readback = inactive_xml(nd);
	if (!*readback)
		ret = virt_err(err, errlen, -EIO, "cannot read the new definition back");
out:
	free(now);
	if (nd)
		virDomainFree(nd);
	virDomainFree(d);
	return ret;
}

int virt_domain_define_new(struct virt *v, const char *name, const char *xml, char *err,
			   size_t errlen)
{
	virDomainPtr d = virDomainLookupByName(v->conn, name), nd;

	if (d) {
		virDomainFree(d);
		snprintf(err, errlen, "a domain with this name exists already");
		return -EEXIST;
	}
	nd = virDomainDefineXMLFlags(v->conn, xml, VIR_DOMAIN_DEFINE_VALIDATE);
	if (!nd)
		return virt_err(err, errlen, -EINVAL, "libvirt refused the definition");
	virDomainFree(nd);
	return 0;
}

/* The guest agent through libvirt, which does its own guest-sync before each command. */
static int virt_agent_call(void *ctx, json_object *cmd, int timeout_ms, json_object **reply,
			   char *err, size_t errlen)
{
	virDomainPtr d = ctx;
	int secs = timeout_ms <= 0 ? 1 : (timeout_ms + 999) / 1000;
	char *text = virDomainQemuAgentCommand(
		d, json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN), secs, 0);
	virErrorPtr e;
	const char *msg;
	int rc = 0;

	*reply = NULL;
	if (text) {
		json_tokener *tok = json_tokener_new_ex(64);
		size_t n = strlen(text);
		if (!tok) {
			free(text);
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		if (n > AGENT_REPLY_MAX) {
			snprintf(err, errlen, "the guest agent's reply is larger than %u bytes",
				 AGENT_REPLY_MAX);
			rc = -EMSGSIZE;
		} else {
			json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
			*reply = json_tokener_parse_ex(tok, text, (int)n);
			if (json_tokener_get_error(tok) != json_tokener_success || !*reply) {
				json_object_put(*reply);
				*reply = NULL;
				snprintf(err, errlen, "the guest agent's reply is not valid JSON");
				rc = -EPROTO;
			}
		}
		json_tokener_free(tok);
		free(text);
		return rc;
	}
	/* libvirt turns the agent's own errors into its errors: map the ones the caller acts
	 * on back, by code and, for the agent's, by qemu-ga's wording */
	e = virGetLastError();
	msg = virGetLastErrorMessage();
	if (!msg)
		msg = "unknown libvirt error";
	if (strstr(msg, "has been disabled") || strstr(msg, "has not been found") ||
	    strstr(msg, "CommandNotFound")) {
		json_object *o = json_object_new_object(), *eo = json_object_new_object();
		json_object_object_add(eo, "class", json_object_new_string("CommandNotFound"));
		json_object_object_add(eo, "desc", json_object_new_string(msg));
		json_object_object_add(o, "error", eo);
		*reply = o;
		return 0;
	}
	if (e && e->code == VIR_ERR_OPERATION_INVALID && strstr(msg, "not running"))
		rc = -ESRCH;
	else if (e && e->code == VIR_ERR_AGENT_UNRESPONSIVE)
		rc = strstr(msg, "not connected") || strstr(msg, "not configured") ? -ENODEV
										   : -ETIMEDOUT;
	else if (strstr(msg, "not configured"))
		rc = -ENODEV;
	else
		rc = -EIO;
	snprintf(err, errlen, "%s", msg);
	return rc;
}

static void virt_agent_close(void *ctx)
{
	if (ctx)
		virDomainFree(ctx);
}

int virt_agent_open(struct virt *v, const char *name, struct agent *a, char *err, size_t errlen)
{
	int ret = 0, active;
	virDomainPtr d = lookup(v, name, err, errlen, &ret);

	if (!d)
		return ret;
	active = virDomainIsActive(d);
	if (active != 1) {
		virDomainFree(d);
		if (active < 0)
			return virt_err(err, errlen, -EIO, "cannot read its state");
		snprintf(err, errlen, "the domain is not running (start it first: virsh start %s)",
			 name);
		return -ESRCH;
	}
	a->t.call = virt_agent_call;
	a->t.close = virt_agent_close;
	a->t.ctx = d;
	if (!a->timeout_ms)
		a->timeout_ms = AGENT_TIMEOUT_MS;
	return 0;
}

int virt_domain_state(struct virt *v, const char *name, int *running, char *err, size_t errlen)
{
	int ret = 0, active;
	virDomainPtr d = lookup(v, name, err, errlen, &ret);

	*running = 0;
	if (!d)
		return ret;
	active = virDomainIsActive(d);
	if (active < 0)
		ret = virt_err(err, errlen, -EIO, "cannot read its state");
	*running = active == 1;
	virDomainFree(d);
	return ret;
}

int virt_domain_start(struct virt *v, const char *name, char *err, size_t errlen)
{
	int ret = 0;
	virDomainPtr d = lookup(v, name, err, errlen, &ret);

	if (!d)
		return ret;
	if (virDomainCreate(d) < 0)
		ret = virt_err(err, errlen, -EIO, "cannot start it");
	virDomainFree(d);
	return ret;
}

int virt_domain_stop(struct virt *v, const char *name, int wait_ms, int *forced, char *err,
		     size_t errlen)
{
	int ret = 0;
	virDomainPtr d = lookup(v, name, err, errlen, &ret);

	*forced = 0;
	if (!d)
		return ret;
	/* ACPI first, when there is time to wait for it; then pull the plug */
	if (wait_ms > 0 && virDomainShutdown(d) == 0) {
		for (int t = 0; t < wait_ms && virDomainIsActive(d) == 1; t += 100) {
			struct timespec ts = { 0, 100 * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
	if (virDomainIsActive(d) == 1) {
		*forced = 1;
		if (virDomainDestroy(d) < 0 && virDomainIsActive(d) == 1)
			ret = virt_err(err, errlen, -EIO, "cannot stop it");
	}
	virDomainFree(d);
	return ret;
}

int virt_domain_undefine(struct virt *v, const char *name, char *err, size_t errlen)
{
	int ret = 0;
	virDomainPtr d = lookup(v, name, err, errlen, &ret);

	if (!d)
		return ret;
	if (virDomainIsActive(d) == 1) {
		snprintf(err, errlen, "it runs (vnfctl domain stop %s first)", name);
		ret = -EBUSY;
	} else if (virDomainUndefineFlags(d, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
						     VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
						     VIR_DOMAIN_UNDEFINE_NVRAM) < 0) {
		ret = virt_err(err, errlen, -EIO, "cannot undefine it");
	}
	virDomainFree(d);
	return ret;
}

int virt_versions(struct virt *v, unsigned long *lib, unsigned long *hv, char *err, size_t errlen)
{
	*lib = *hv = 0;
	if (virConnectGetLibVersion(v->conn, lib) < 0)
		return virt_err(err, errlen, -EIO, "cannot read libvirt's version");
	if (virConnectGetVersion(v->conn, hv) < 0)
		*hv = 0; /* some drivers have no hypervisor version */
	return 0;
}
