#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include "domxml.h"

#define ALIAS_PREFIX "ua-vnfctl-"
#define PTNET_DEVICE "ptnet-pci"

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

const char *domxml_vnic_name(enum domxml_vnic k)
{
	static const char *const n[] = { "ptnet", "virtio", "hostdev" };
	return (unsigned)k < 3 ? n[k] : NULL;
}

const char *domxml_source_name(enum domxml_source s)
{
	static const char *const n[] = { "tap", "bridge", "network" };
	return (unsigned)s < 3 ? n[s] : NULL;
}

/* ---- values ------------------------------------------------------------------------------ */

int domxml_check_mac(const char *mac, char *err, size_t errlen)
{
	unsigned b[6];
	char tail;

	if (strlen(mac) != 17 || sscanf(mac, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2],
					&b[3], &b[4], &b[5], &tail) != 6)
		return fail(err, errlen, -EINVAL,
			    "MAC \"%s\": not six hex pairs joined by ':' (e.g. 52:54:00:12:34:56)",
			    mac);
	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? mac[i] != ':' : !isxdigit((unsigned char)mac[i]))
			return fail(err, errlen, -EINVAL,
				    "MAC \"%s\": not six hex pairs joined by ':' (e.g. "
				    "52:54:00:12:34:56)",
				    mac);
	if (b[0] & 1)
		return fail(err, errlen, -EINVAL, "MAC \"%s\": a multicast address", mac);
	if (!(b[0] | b[1] | b[2] | b[3] | b[4] | b[5]))
		return fail(err, errlen, -EINVAL, "MAC \"%s\": all zeros", mac);
	return 0;
}

int domxml_check_id(const char *id, char *err, size_t errlen)
{
	size_t n = strlen(id);
	int ok = n > 0 && n < DOMXML_ID_MAX && isalpha((unsigned char)id[0]);

	for (size_t i = 0; ok && i < n; i++)
		ok = isalnum((unsigned char)id[i]) || id[i] == '-' || id[i] == '_';
	return ok ? 0
		  : fail(err, errlen, -EINVAL,
			 "id \"%s\": 1..%d letters, digits, '-' or '_', starting with a letter", id,
			 DOMXML_ID_MAX - 1);
}

/* Port names go into a QEMU option string: no ',' (the option separator), no spaces. */
int domxml_check_port(const char *port, char *err, size_t errlen)
{
	size_t n = strlen(port);
	const char *colon = strchr(port, ':');

	if (n >= DOMXML_PORT_MAX)
		return fail(err, errlen, -EINVAL,
			    "port \"%s\": %zu characters, netmap allows at most %d", port, n,
			    DOMXML_PORT_MAX - 1);
	for (size_t i = 0; i < n; i++)
		if (!isgraph((unsigned char)port[i]) || port[i] == ',' || port[i] == '\'' ||
		    port[i] == '"')
			return fail(err, errlen, -EINVAL,
				    "port \"%s\": character %zu ('%c') is not allowed in a netmap "
				    "port name",
				    port, i + 1, isprint((unsigned char)port[i]) ? port[i] : '?');
	if (!colon || colon[1] == '\0' ||
	    !(strncmp(port, "vale", 4) == 0 || strncmp(port, "netmap:", 7) == 0))
		return fail(err, errlen, -EINVAL,
			    "port \"%s\": not a netmap port (accepted: valeSWITCH:PORT, e.g. "
			    "vale0:vm1, or netmap:IFACE)",
			    port);
	for (const char *p = port + 4; strncmp(port, "vale", 4) == 0 && p < colon; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return fail(err, errlen, -EINVAL,
				    "port \"%s\": the switch name \"%.*s\" may hold only letters, "
				    "digits and '_'",
				    port, (int)(colon - port), port);
	return 0;
}

int domxml_check_pci(const char *pci, char *err, size_t errlen)
{
	unsigned d, b, s, f;
	int end = 0;

	if (sscanf(pci, "%4x:%2x:%2x.%1x%n", &d, &b, &s, &f, &end) != 4 || pci[end] ||
	    strlen(pci) != 12 || s > 0x1f || f > 7)
		return fail(err, errlen, -EINVAL,
			    "PCI address \"%s\": not DDDD:BB:SS.F (e.g. 0000:03:10.1)", pci);
	return 0;
}

/* ---- parse and dump ------------------------------------------------------------------- */

static void xml_silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

xmlDocPtr domxml_parse(const char *xml, size_t len, char *err, size_t errlen)
{
	xmlParserCtxtPtr ctx = xmlNewParserCtxt();
	xmlDocPtr doc = NULL;
	const xmlError *e;

	if (!ctx) {
		fail(err, errlen, -ENOMEM, "out of memory");
		return NULL;
	}
	xmlSetGenericErrorFunc(NULL, xml_silent);
	/* no network, no entity expansion, no DTD loading: the input is untrusted */
	doc = xmlCtxtReadMemory(ctx, xml, (int)len, "domain.xml", NULL,
				XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
	e = xmlCtxtGetLastError(ctx);
	if (!doc || (e && e->level >= XML_ERR_ERROR)) {
		if (e && e->message)
			fail(err, errlen, -EINVAL, "not well-formed XML: line %d: %.*s", e->line,
			     (int)strcspn(e->message, "\n"), e->message);
		else
			fail(err, errlen, -EINVAL, "not well-formed XML");
		xmlFreeDoc(doc);
		doc = NULL;
	} else if (!xmlDocGetRootElement(doc) ||
		   strcmp((const char *)xmlDocGetRootElement(doc)->name, "domain") != 0 ||
		   xmlDocGetRootElement(doc)->ns) {
		fail(err, errlen, -EINVAL,
		     "not a libvirt domain: the root element is not <domain>");
		xmlFreeDoc(doc);
		doc = NULL;
	} else if (doc->intSubset) {
		/* libvirt never writes a DTD; one here could only smuggle entities in */
		fail(err, errlen, -EINVAL, "a DOCTYPE is not accepted in domain XML");
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctx);
	return doc;
}

char *domxml_dump(xmlDocPtr doc, int *len)
{
	xmlChar *out = NULL;
	int n = 0;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlBufferPtr buf = xmlBufferCreate();

	if (!buf)
		return NULL;
	/* the root element alone, as libvirt writes it: no XML declaration */
	if (xmlNodeDump(buf, doc, root, 0, 0) >= 0 && xmlBufferAdd(buf, BAD_CAST "\n", 1) == 0) {
		n = xmlBufferLength(buf);
		out = xmlStrndup(xmlBufferContent(buf), n);
	}
	xmlBufferFree(buf);
	if (len)
		*len = out ? n : 0;
	return (char *)out;
}

static void strip_passwd(xmlNodePtr n)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		xmlUnsetProp(n, BAD_CAST "passwd");
		strip_passwd(n->children);
	}
}

char *domxml_dump_public(xmlDocPtr doc)
{
	xmlDocPtr copy = xmlCopyDoc(doc, 1);
	char *out;

	if (!copy)
		return NULL;
	strip_passwd(xmlDocGetRootElement(copy));
	out = domxml_dump(copy, NULL);
	xmlFreeDoc(copy);
	return out;
}

/* ---- tree helpers ------------------------------------------------------------------------ */

static int node_is(xmlNodePtr n, const char *name, const char *ns_href)
{
	if (!n || n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name) != 0)
		return 0;
	if (!ns_href)
		return n->ns == NULL;
	return n->ns && n->ns->href && strcmp((const char *)n->ns->href, ns_href) == 0;
}

static xmlNodePtr child_find(xmlNodePtr parent, const char *name, const char *ns_href)
{
	for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
		if (node_is(c, name, ns_href))
			return c;
	return NULL;
}

static int is_blank(xmlNodePtr n)
{
	return n && n->type == XML_TEXT_NODE && xmlIsBlankNode(n);
}

/* The indentation of n: the spaces after the last newline of the blank text before it. */
static void indent_of(xmlNodePtr n, char *out, size_t len)
{
	const char *s = "", *nl;

	if (n && is_blank(n->prev) && n->prev->content) {
		s = (const char *)n->prev->content;
		nl = strrchr(s, '\n');
		s = nl ? nl + 1 : s;
	}
	snprintf(out, len, "%s", s);
}

/* Appends child to parent as the last element child, indented like its siblings (or two
 * spaces deeper than parent).  The indentation text goes right before child, so removing the
 * two restores the parent's text exactly. */
static void child_add(xmlNodePtr parent, xmlNodePtr child)
{
	xmlNodePtr last = NULL;
	char ind[128], text[160];

	for (xmlNodePtr c = parent->children; c; c = c->next)
		if (c->type != XML_TEXT_NODE || !xmlIsBlankNode(c))
			last = c;
	if (last && last->type == XML_TEXT_NODE) {
		/* mixed content: libxml2 would merge indentation into that text, so that detach
		 * could not take it out again; the element goes right after it, unindented */
		xmlAddNextSibling(last, child);
		return;
	}
	if (last) {
		if (last->type == XML_ELEMENT_NODE)
			indent_of(last, ind, sizeof(ind));
		else
			indent_of(parent, ind, sizeof(ind));
		snprintf(text, sizeof(text), "\n%s", ind);
		xmlAddNextSibling(last, child);
		xmlAddPrevSibling(child, xmlNewText(BAD_CAST text));
		return;
	}
	indent_of(parent, ind, sizeof(ind));
	/* A closing tag on its own line only for an element vnfctl made (the parser numbers the
	 * lines of the ones it read): text added to the user's elements could not be told apart
	 * from theirs when detach takes the child out again. */
	if (!parent->children && parent->line == 0) {
		snprintf(text, sizeof(text), "\n%s", ind);
		xmlAddChild(parent, xmlNewText(BAD_CAST text));
	}
	snprintf(text, sizeof(text), "\n%s  ", ind);
	if (parent->children)
		xmlAddPrevSibling(parent->children, child);
	else
		xmlAddChild(parent, child);
	xmlAddPrevSibling(child, xmlNewText(BAD_CAST text));
}

/* Unlinks and frees n with the indentation text before it. */
static void node_drop(xmlNodePtr n)
{
	xmlNodePtr ws = is_blank(n->prev) ? n->prev : NULL;

	xmlUnlinkNode(n);
	xmlFreeNode(n);
	if (ws) {
		xmlUnlinkNode(ws);
		xmlFreeNode(ws);
	}
}

static const char *prop(xmlNodePtr n, const char *name, char *buf, size_t len)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);

	if (!v)
		return NULL;
	snprintf(buf, len, "%s", (const char *)v);
	xmlFree(v);
	return buf;
}

/* ---- the record in <metadata> ------------------------------------------------------------ */

struct rec {
	xmlNodePtr root;     /* <domain> */
	xmlNodePtr metadata; /* <metadata>, NULL if none */
	xmlNodePtr self;     /* our element in it, NULL if none */
	xmlNsPtr ns;	     /* our namespace on self */
};

static void rec_find(xmlDocPtr doc, struct rec *r)
{
	memset(r, 0, sizeof(*r));
	r->root = xmlDocGetRootElement(doc);
	r->metadata = child_find(r->root, "metadata", NULL);
	r->self = child_find(r->metadata, "domain", DOMXML_NS);
	r->ns = r->self ? r->self->ns : NULL;
}

static int rec_has_added(const struct rec *r, const char *what)
{
	char buf[32];

	for (xmlNodePtr c = r->self ? r->self->children : NULL; c; c = c->next)
		if (node_is(c, "added", DOMXML_NS) && prop(c, "what", buf, sizeof(buf)) &&
		    strcmp(buf, what) == 0)
			return 1;
	return 0;
}

static xmlNodePtr rec_replaced(const struct rec *r, const char *what)
{
	char buf[32];

	for (xmlNodePtr c = r->self ? r->self->children : NULL; c; c = c->next)
		if (node_is(c, "replaced", DOMXML_NS) && prop(c, "what", buf, sizeof(buf)) &&
		    strcmp(buf, what) == 0)
			return c;
	return NULL;
}

static void rec_add_added(struct rec *r, const char *what)
{
	xmlNodePtr n = xmlNewNode(r->ns, BAD_CAST "added");
	xmlSetProp(n, BAD_CAST "what", BAD_CAST what);
	child_add(r->self, n);
}

/* Creates <metadata> and our element as needed; records metadata creation. */
static void rec_ensure(struct rec *r)
{
	int made_metadata = 0;

	if (r->self)
		return;
	if (!r->metadata) {
		r->metadata = xmlNewNode(NULL, BAD_CAST "metadata");
		child_add(r->root, r->metadata);
		made_metadata = 1;
	}
	r->self = xmlNewNode(NULL, BAD_CAST "domain");
	r->ns = xmlNewNs(r->self, BAD_CAST DOMXML_NS, BAD_CAST "vnfctl");
	xmlSetNs(r->self, r->ns);
	child_add(r->metadata, r->self);
	if (made_metadata)
		rec_add_added(r, "metadata");
}

static int vnic_from_node(xmlNodePtr n, struct domxml_vnic_spec *v, char *err, size_t errlen)
{
	char kind[16] = "", src[16] = "", q[16] = "";

	memset(v, 0, sizeof(*v));
	prop(n, "kind", kind, sizeof(kind));
	prop(n, "id", v->id, sizeof(v->id));
	prop(n, "mac", v->mac, sizeof(v->mac));
	if (!strcmp(kind, "ptnet"))
		v->kind = DOMXML_VNIC_PTNET;
	else if (!strcmp(kind, "virtio"))
		v->kind = DOMXML_VNIC_VIRTIO;
	else if (!strcmp(kind, "hostdev"))
		v->kind = DOMXML_VNIC_HOSTDEV;
	else
		return fail(err, errlen, -EINVAL,
			    "vnfctl's record in <metadata> has a vNIC of unknown kind \"%s\"",
			    kind);
	prop(n, "port", v->port, sizeof(v->port));
	prop(n, "pci", v->pci, sizeof(v->pci));
	prop(n, "name", v->source_name, sizeof(v->source_name));
	if (prop(n, "queues", q, sizeof(q)))
		v->queues = (unsigned)strtoul(q, NULL, 10);
	if (prop(n, "source", src, sizeof(src)))
		v->source = !strcmp(src, "bridge")    ? DOMXML_SRC_BRIDGE
			    : !strcmp(src, "network") ? DOMXML_SRC_NETWORK
						      : DOMXML_SRC_TAP;
	if (domxml_check_id(v->id, err, errlen))
		return fail(err, errlen, -EINVAL,
			    "vnfctl's record in <metadata> has a vNIC with a bad id \"%s\"", v->id);
	return 0;
}

static xmlNodePtr rec_vnic(const struct rec *r, const char *id)
{
	char buf[DOMXML_ID_MAX];

	for (xmlNodePtr c = r->self ? r->self->children : NULL; c; c = c->next)
		if (node_is(c, "vnic", DOMXML_NS) && prop(c, "id", buf, sizeof(buf)) &&
		    strcmp(buf, id) == 0)
			return c;
	return NULL;
}

int domxml_list(xmlDocPtr doc, struct domxml_vnic_spec *out, unsigned max, char *err, size_t errlen)
{
	struct rec r;
	int n = 0;

	rec_find(doc, &r);
	for (xmlNodePtr c = r.self ? r.self->children : NULL; c; c = c->next) {
		struct domxml_vnic_spec v;
		if (!node_is(c, "vnic", DOMXML_NS))
			continue;
		if (vnic_from_node(c, &v, err, errlen))
			return -EINVAL;
		if ((unsigned)n < max)
			out[n] = v;
		n++;
	}
	return n;
}

/* ---- what a vNIC looks like in the domain ------------------------------------------------ */

static void ptnet_args(const struct domxml_vnic_spec *v, char *dev, size_t dlen, char *net,
		       size_t nlen)
{
	snprintf(dev, dlen, PTNET_DEVICE ",mac=%s,netdev=%s", v->mac, v->id);
	snprintf(net, nlen, "netmap,ifname=%s,passthrough=on,id=%s", v->port, v->id);
}

/* The qemu:commandline element, whatever prefix binds the qemu URI. */
static xmlNodePtr qemu_cmdline(xmlNodePtr root)
{
	return child_find(root, "commandline", DOMXML_QEMU_NS);
}

/* The -device/-netdev pair among cmdline's args whose values are dev and net: the first of
 * the four args, or NULL. */
static xmlNodePtr args_find(xmlNodePtr cmdline, const char *dev, const char *net)
{
	xmlNodePtr a[4];
	char v[4][512];

	for (xmlNodePtr c = cmdline ? cmdline->children : NULL; c; c = c->next) {
		int k = 0;
		for (xmlNodePtr d = c; d && k < 4; d = d->next)
			if (node_is(d, "arg", DOMXML_QEMU_NS))
				a[k++] = d;
		if (k < 4 || a[0] != c)
			continue;
		for (int i = 0; i < 4; i++)
			if (!prop(a[i], "value", v[i], sizeof(v[i])))
				v[i][0] = '\0';
		if (!strcmp(v[0], "-device") && !strcmp(v[1], dev) && !strcmp(v[2], "-netdev") &&
		    !strcmp(v[3], net))
			return c;
	}
	return NULL;
}

/* Does any qemu arg already name this id (netdev=ID / id=ID) or MAC?  For clash checks. */
static int args_mention(xmlNodePtr cmdline, const char *key, const char *val)
{
	char v[512], want[128];
	size_t wl;

	snprintf(want, sizeof(want), "%s=%s", key, val);
	wl = strlen(want);
	for (xmlNodePtr c = cmdline ? cmdline->children : NULL; c; c = c->next) {
		if (!node_is(c, "arg", DOMXML_QEMU_NS) || !prop(c, "value", v, sizeof(v)))
			continue;
		for (char *p = strstr(v, want); p; p = strstr(p + 1, want))
			if ((p == v || p[-1] == ',') && (p[wl] == '\0' || p[wl] == ','))
				return 1;
	}
	return 0;
}

static xmlNodePtr iface_by_alias(xmlNodePtr devices, const char *id)
{
	char want[DOMXML_ID_MAX + sizeof(ALIAS_PREFIX)], buf[64];

	snprintf(want, sizeof(want), ALIAS_PREFIX "%s", id);
	for (xmlNodePtr c = devices ? devices->children : NULL; c; c = c->next) {
		xmlNodePtr al = node_is(c, "interface", NULL) ? child_find(c, "alias", NULL) : NULL;
		if (al && prop(al, "name", buf, sizeof(buf)) && strcmp(buf, want) == 0)
			return c;
	}
	return NULL;
}

/* Is mac used by an <interface> of the domain or an arg?  */
static int mac_in_use(xmlNodePtr root, xmlNodePtr devices, const char *mac)
{
	char buf[32];

	for (xmlNodePtr c = devices ? devices->children : NULL; c; c = c->next) {
		xmlNodePtr m = node_is(c, "interface", NULL) ? child_find(c, "mac", NULL) : NULL;
		if (m && prop(m, "address", buf, sizeof(buf)) && strcasecmp(buf, mac) == 0)
			return 1;
	}
	return args_mention(qemu_cmdline(root), "mac", mac);
}

static xmlNodePtr new_child(xmlNodePtr parent, const char *name, const char *attr, const char *val)
{
	xmlNodePtr n = xmlNewNode(NULL, BAD_CAST name);
	if (attr)
		xmlSetProp(n, BAD_CAST attr, BAD_CAST val);
	child_add(parent, n);
	return n;
}

static xmlNodePtr iface_build(xmlNodePtr devices, const struct domxml_vnic_spec *v)
{
	static const char *const type[] = { "ethernet", "bridge", "network" };
	static const char *const src_attr[] = { NULL, "bridge", "network" };
	xmlNodePtr i = xmlNewNode(NULL, BAD_CAST "interface");
	char alias[DOMXML_ID_MAX + sizeof(ALIAS_PREFIX)], q[16];

	child_add(devices, i);
	if (v->kind == DOMXML_VNIC_HOSTDEV) {
		unsigned d, b, s, f;
		char hex[4][8];
		sscanf(v->pci, "%x:%x:%x.%x", &d, &b, &s, &f);
		xmlSetProp(i, BAD_CAST "type", BAD_CAST "hostdev");
		xmlSetProp(i, BAD_CAST "managed", BAD_CAST "yes");
		new_child(i, "mac", "address", v->mac);
		xmlNodePtr src = new_child(i, "source", NULL, NULL);
		xmlNodePtr a = new_child(src, "address", "type", "pci");
		snprintf(hex[0], 8, "0x%04x", d);
		snprintf(hex[1], 8, "0x%02x", b);
		snprintf(hex[2], 8, "0x%02x", s);
		snprintf(hex[3], 8, "0x%x", f);
		xmlSetProp(a, BAD_CAST "domain", BAD_CAST hex[0]);
		xmlSetProp(a, BAD_CAST "bus", BAD_CAST hex[1]);
		xmlSetProp(a, BAD_CAST "slot", BAD_CAST hex[2]);
		xmlSetProp(a, BAD_CAST "function", BAD_CAST hex[3]);
	} else {
		xmlSetProp(i, BAD_CAST "type", BAD_CAST type[v->source]);
		new_child(i, "mac", "address", v->mac);
		if (v->source == DOMXML_SRC_TAP)
			new_child(i, "target", "dev", v->source_name);
		else
			new_child(i, "source", src_attr[v->source], v->source_name);
		new_child(i, "model", "type", "virtio");
		if (v->queues > 1) {
			snprintf(q, sizeof(q), "%u", v->queues);
			new_child(i, "driver", "queues", q);
		}
	}
	snprintf(alias, sizeof(alias), ALIAS_PREFIX "%s", v->id);
	new_child(i, "alias", "name", alias);
	return i;
}

static xmlNodePtr agent_channel(xmlNodePtr devices)
{
	char buf[64];

	for (xmlNodePtr c = devices ? devices->children : NULL; c; c = c->next) {
		xmlNodePtr t = node_is(c, "channel", NULL) ? child_find(c, "target", NULL) : NULL;
		if (t && prop(t, "name", buf, sizeof(buf)) && strcmp(buf, DOMXML_AGENT) == 0)
			return c;
	}
	return NULL;
}

static xmlNodePtr virtio_serial_controller(xmlNodePtr devices)
{
	char buf[32];

	for (xmlNodePtr c = devices ? devices->children : NULL; c; c = c->next)
		if (node_is(c, "controller", NULL) && prop(c, "type", buf, sizeof(buf)) &&
		    strcmp(buf, "virtio-serial") == 0)
			return c;
	return NULL;
}

/* ---- attach ------------------------------------------------------------------------------ */

/* FNV-1a over the domain's identity and the id: the same vNIC gets the same MAC every time. */
static void mac_derive(xmlNodePtr root, const char *id, char *mac)
{
	xmlNodePtr u = child_find(root, "uuid", NULL), n = child_find(root, "name", NULL);
	xmlChar *who = xmlNodeGetContent(u ? u : n);
	uint32_t h = 2166136261u;

	for (const xmlChar *p = who; p && *p; p++)
		h = (h ^ *p) * 16777619u;
	h = (h ^ '/') * 16777619u;
	for (const char *p = id; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	xmlFree(who);
	/* QEMU's and libvirt's locally used OUI */
	snprintf(mac, 18, "52:54:00:%02x:%02x:%02x", h >> 16 & 0xff, h >> 8 & 0xff, h & 0xff);
}

static int same_endpoint(const struct domxml_vnic_spec *a, const struct domxml_vnic_spec *b)
{
	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case DOMXML_VNIC_PTNET:
		return !strcmp(a->port, b->port);
	case DOMXML_VNIC_VIRTIO:
		return a->source == b->source && !strcmp(a->source_name, b->source_name);
	case DOMXML_VNIC_HOSTDEV:
		return !strcasecmp(a->pci, b->pci);
	}
	return 0;
}

static int spec_check(const struct domxml_attach_opts *o, char *err, size_t errlen)
{
	const struct domxml_vnic_spec *v = &o->vnic;
	int ret = 0;

	if (v->id[0])
		ret = domxml_check_id(v->id, err, errlen);
	if (!ret && v->mac[0])
		ret = domxml_check_mac(v->mac, err, errlen);
	if (ret)
		return ret;
	switch (v->kind) {
	case DOMXML_VNIC_PTNET:
		return domxml_check_port(v->port, err, errlen);
	case DOMXML_VNIC_VIRTIO:
		if (!v->source_name[0] || strlen(v->source_name) >= 200)
			return fail(err, errlen, -EINVAL, "%s name \"%s\": 1..199 characters",
				    domxml_source_name(v->source), v->source_name);
		if (v->queues > 256)
			return fail(err, errlen, -EINVAL, "queues %u: at most 256", v->queues);
		break;
	case DOMXML_VNIC_HOSTDEV:
		return domxml_check_pci(v->pci, err, errlen);
	default:
		return fail(err, errlen, -EINVAL, "unknown vNIC kind %d", (int)v->kind);
	}
	if (o->emulator || o->machine || o->cpu_model)
		return fail(err, errlen, -EINVAL,
			    "--emulator, --machine and --cpu-model go with --vnic ptnet only");
	return 0;
}

static void vnic_record(struct rec *r, const struct domxml_vnic_spec *v)
{
	xmlNodePtr n = xmlNewNode(r->ns, BAD_CAST "vnic");
	char q[16];

	xmlSetProp(n, BAD_CAST "id", BAD_CAST v->id);
	xmlSetProp(n, BAD_CAST "kind", BAD_CAST domxml_vnic_name(v->kind));
	xmlSetProp(n, BAD_CAST "mac", BAD_CAST v->mac);
	if (v->kind == DOMXML_VNIC_PTNET)
		xmlSetProp(n, BAD_CAST "port", BAD_CAST v->port);
	if (v->kind == DOMXML_VNIC_VIRTIO) {
		xmlSetProp(n, BAD_CAST "source", BAD_CAST domxml_source_name(v->source));
		xmlSetProp(n, BAD_CAST "name", BAD_CAST v->source_name);
		snprintf(q, sizeof(q), "%u", v->queues);
		xmlSetProp(n, BAD_CAST "queues", BAD_CAST q);
	}
	if (v->kind == DOMXML_VNIC_HOSTDEV)
		xmlSetProp(n, BAD_CAST "pci", BAD_CAST v->pci);
	child_add(r->self, n);
}

/* Sets the text of parent's child element name (made if missing), whatever it held. */
static void text_set(xmlNodePtr parent, const char *name, const char *value)
{
	xmlNodePtr n = child_find(parent, name, NULL);

	if (!n) {
		n = xmlNewNode(NULL, BAD_CAST name);
		child_add(parent, n);
	}
	while (n->children) {
		xmlNodePtr c = n->children;
		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
	xmlNodeAddContent(n, BAD_CAST value);
}

/* Keeps a copy of the element attach is about to replace (none: had="no"), the first time. */
static void record_element(struct rec *r, const char *what, xmlNodePtr node)
{
	xmlNodePtr rep;

	if (rec_replaced(r, what))
		return;
	rep = xmlNewNode(r->ns, BAD_CAST "replaced");
	xmlSetProp(rep, BAD_CAST "what", BAD_CAST what);
	xmlSetProp(rep, BAD_CAST "had", BAD_CAST(node ? "yes" : "no"));
	if (node)
		xmlAddChild(rep, xmlDocCopyNode(node, r->root->doc, 1));
	child_add(r->self, rep);
}

/* Puts back the element recorded as what: the copy in place of the current one, or, if the
 * domain had none, the current one removed. */
static void restore_element(struct rec *r, const char *what, xmlNodePtr parent, const char *name)
{
	xmlNodePtr rep = rec_replaced(r, what), cur = child_find(parent, name, NULL), copy = NULL;

	if (!rep)
		return;
	for (xmlNodePtr c = rep->children; c && !copy; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			copy = xmlDocCopyNode(c, r->root->doc, 1);
	if (copy && cur) {
		xmlReplaceNode(cur, copy);
		xmlFreeNode(cur);
	} else if (copy) {
		child_add(parent, copy);
	} else if (cur) {
		node_drop(cur);
	}
}

/* The emulator the netmap QEMU build is. */
static void replace_emulator(struct rec *r, xmlNodePtr devices, const char *path)
{
	record_element(r, "emulator", child_find(devices, "emulator", NULL));
	text_set(devices, "emulator", path);
}

static void replace_machine(struct rec *r, xmlNodePtr os, const char *machine)
{
	xmlNodePtr type = child_find(os, "type", NULL), rep;

	if (!type) {
		type = xmlNewNode(NULL, BAD_CAST "type");
		xmlNodeAddContent(type, BAD_CAST "hvm");
		child_add(os, type);
		rec_add_added(r, "os-type");
	}
	if (!rec_replaced(r, "machine")) {
		xmlChar *old = xmlGetProp(type, BAD_CAST "machine");
		rep = xmlNewNode(r->ns, BAD_CAST "replaced");
		xmlSetProp(rep, BAD_CAST "what", BAD_CAST "machine");
		if (old) {
			xmlSetProp(rep, BAD_CAST "had", BAD_CAST "yes");
			xmlNodeAddContent(rep, old);
			xmlFree(old);
		} else {
			xmlSetProp(rep, BAD_CAST "had", BAD_CAST "no");
		}
		child_add(r->self, rep);
	}
	xmlSetProp(type, BAD_CAST "machine", BAD_CAST machine);
}

/* The whole <cpu> element is replaced by <cpu mode='custom' match='exact'><model>M</model>;
 * the original is kept in the record. */
static void replace_cpu(struct rec *r, xmlNodePtr root, const char *model)
{
	xmlNodePtr cpu = child_find(root, "cpu", NULL), fresh, m;

	record_element(r, "cpu", cpu);
	fresh = xmlNewNode(NULL, BAD_CAST "cpu");
	xmlSetProp(fresh, BAD_CAST "mode", BAD_CAST "custom");
	xmlSetProp(fresh, BAD_CAST "match", BAD_CAST "exact");
	m = xmlNewNode(NULL, BAD_CAST "model");
	xmlSetProp(m, BAD_CAST "fallback", BAD_CAST "forbid");
	xmlNodeAddContent(m, BAD_CAST model);
	xmlAddChild(fresh, m);
	if (cpu) {
		xmlReplaceNode(cpu, fresh);
		xmlFreeNode(cpu);
	} else {
		child_add(root, fresh);
	}
}

/* The qemu namespace for a new <commandline>: a declaration of its URI on the root if there
 * is one (any prefix), else a new one, "qemu" unless that prefix is bound to another URI. */
static xmlNsPtr qemu_ns(struct rec *r)
{
	const char *prefix = "qemu";

	for (xmlNsPtr ns = r->root->nsDef; ns; ns = ns->next)
		if (ns->prefix && ns->href && !strcmp((const char *)ns->href, DOMXML_QEMU_NS))
			return ns;
	for (xmlNsPtr ns = r->root->nsDef; ns; ns = ns->next)
		if (ns->prefix && !strcmp((const char *)ns->prefix, "qemu"))
			prefix = "vnfctl-qemu";
	rec_add_added(r, "qemu-ns");
	return xmlNewNs(r->root, BAD_CAST DOMXML_QEMU_NS, BAD_CAST prefix);
}

static void ptnet_add(struct rec *r, const struct domxml_vnic_spec *v)
{
	xmlNodePtr cmd = qemu_cmdline(r->root);
	char dev[256], net[256];
	xmlNsPtr ns;

	if (!cmd) {
		ns = qemu_ns(r);
		cmd = xmlNewNode(ns, BAD_CAST "commandline");
		child_add(r->root, cmd);
		rec_add_added(r, "commandline");
	}
	ns = cmd->ns;
	ptnet_args(v, dev, sizeof(dev), net, sizeof(net));
	const char *vals[4] = { "-device", dev, "-netdev", net };
	for (int i = 0; i < 4; i++) {
		xmlNodePtr a = xmlNewNode(ns, BAD_CAST "arg");
		xmlSetProp(a, BAD_CAST "value", BAD_CAST vals[i]);
		child_add(cmd, a);
	}
}

static int attach_checks(struct rec *r, xmlNodePtr devices, struct domxml_vnic_spec *v, char *err,
			 size_t errlen)
{
	xmlNodePtr cmd = qemu_cmdline(r->root);

	if (v->kind == DOMXML_VNIC_PTNET &&
	    (args_mention(cmd, "id", v->id) || args_mention(cmd, "netdev", v->id)))
		return fail(err, errlen, -EINVAL,
			    "id \"%s\": the domain's QEMU arguments already use it (pick another "
			    "--id)",
			    v->id);
	if (iface_by_alias(devices, v->id))
		return fail(
			err, errlen, -EINVAL,
			"id \"%s\": the domain already has an interface with alias " ALIAS_PREFIX
			"%s",
			v->id, v->id);
	if (mac_in_use(r->root, devices, v->mac))
		return fail(err, errlen, -EINVAL, "MAC %s: the domain already has a vNIC with it",
			    v->mac);
	return 0;
}

int domxml_attach(xmlDocPtr doc, const struct domxml_attach_opts *o, char *err, size_t errlen)
{
	struct domxml_vnic_spec v = o->vnic, have[DOMXML_VNICS_MAX];
	xmlNodePtr devices, os;
	struct rec r;
	int n, ret;

	ret = spec_check(o, err, errlen);
	if (ret)
		return ret;
	rec_find(doc, &r);
	n = domxml_list(doc, have, DOMXML_VNICS_MAX, err, errlen);
	if (n < 0)
		return n;
	if (n >= DOMXML_VNICS_MAX)
		return fail(err, errlen, -EINVAL, "the domain already has %d vNICs from vnfctl", n);
	devices = child_find(r.root, "devices", NULL); /* NULL: made below, recorded */
	os = child_find(r.root, "os", NULL);
	if (o->machine && !os)
		return fail(err, errlen, -EINVAL, "--machine: the domain has no <os> element");
	/* The same endpoint again (and the same id and MAC when given) is already done. */
	for (int i = 0; i < n; i++) {
		if (!same_endpoint(&have[i], &v))
			continue;
		if ((!v.id[0] || !strcmp(v.id, have[i].id)) &&
		    (!v.mac[0] || !strcasecmp(v.mac, have[i].mac)) &&
		    (v.kind != DOMXML_VNIC_VIRTIO || v.queues == have[i].queues))
			goto replacements;
		return fail(err, errlen, -EINVAL,
			    "%s is already attached as vNIC \"%s\" (mac %s) with other settings: "
			    "detach it first",
			    v.kind == DOMXML_VNIC_PTNET	    ? v.port
			    : v.kind == DOMXML_VNIC_HOSTDEV ? v.pci
							    : v.source_name,
			    have[i].id, have[i].mac);
	}
	if (!v.id[0]) {
		for (int k = 0; !v.id[0]; k++) {
			char id[DOMXML_ID_MAX];
			snprintf(id, sizeof(id), "vnf%d", k);
			if (!rec_vnic(&r, id) && !iface_by_alias(devices, id) &&
			    !args_mention(qemu_cmdline(r.root), "id", id))
				snprintf(v.id, sizeof(v.id), "%s", id);
		}
	} else if (rec_vnic(&r, v.id)) {
		return fail(err, errlen, -EINVAL,
			    "id \"%s\": already a vNIC of this domain with another endpoint", v.id);
	}
	if (!v.mac[0])
		mac_derive(r.root, v.id, v.mac);
	ret = attach_checks(&r, devices, &v, err, errlen);
	if (ret)
		return ret;

	rec_ensure(&r);
	if (!devices) {
		devices = xmlNewNode(NULL, BAD_CAST "devices");
		child_add(r.root, devices);
		rec_add_added(&r, "devices");
	}
	if (v.kind == DOMXML_VNIC_PTNET)
		ptnet_add(&r, &v);
	else
		iface_build(devices, &v);
	if (!agent_channel(devices)) {
		/* libvirt would add the controller the channel needs by itself, and detach could
		 * then not tell it from one the user had: add it here, recorded */
		if (!virtio_serial_controller(devices)) {
			xmlNodePtr ctl = new_child(devices, "controller", "type", "virtio-serial");
			xmlSetProp(ctl, BAD_CAST "index", BAD_CAST "0");
			rec_add_added(&r, "virtio-serial");
		}
		xmlNodePtr ch = new_child(devices, "channel", "type", "unix");
		xmlNodePtr t = new_child(ch, "target", "type", "virtio");
		xmlSetProp(t, BAD_CAST "name", BAD_CAST DOMXML_AGENT);
		rec_add_added(&r, "channel");
	}
	vnic_record(&r, &v);
replacements:
	if (!o->emulator && !o->machine && !o->cpu_model)
		return 0;
	if (!devices && o->emulator)
		return fail(err, errlen, -EINVAL,
			    "--emulator: the domain's <devices> is gone although vnfctl's vNICs "
			    "are recorded");
	rec_ensure(&r);
	if (o->emulator)
		replace_emulator(&r, devices, o->emulator);
	if (o->machine)
		replace_machine(&r, os, o->machine);
	if (o->cpu_model)
		replace_cpu(&r, r.root, o->cpu_model);
	return 0;
}

/* ---- detach ------------------------------------------------------------------------------ */

static int vnic_remove(struct rec *r, xmlNodePtr devices, xmlNodePtr recnode, char *err,
		       size_t errlen)
{
	struct domxml_vnic_spec v;
	char dev[256], net[256];
	xmlNodePtr first, iface;

	if (vnic_from_node(recnode, &v, err, errlen))
		return -EINVAL;
	if (v.kind == DOMXML_VNIC_PTNET) {
		ptnet_args(&v, dev, sizeof(dev), net, sizeof(net));
		first = args_find(qemu_cmdline(r->root), dev, net);
		if (!first)
			return fail(
				err, errlen, -EINVAL,
				"vNIC \"%s\": the QEMU arguments vnfctl added (-netdev %s) are "
				"gone or changed; restore the domain or remove the record by hand",
				v.id, net);
		for (int k = 0; k < 4;) {
			xmlNodePtr next = first->next;
			if (node_is(first, "arg", DOMXML_QEMU_NS)) {
				node_drop(first);
				k++;
			}
			first = next;
		}
	} else {
		iface = iface_by_alias(devices, v.id);
		if (!iface)
			return fail(err, errlen, -EINVAL,
				    "vNIC \"%s\": its <interface> (alias " ALIAS_PREFIX
				    "%s) is gone; restore the domain or remove the record by hand",
				    v.id, v.id);
		node_drop(iface);
	}
	node_drop(recnode);
	return 0;
}

static void restore_replaced(struct rec *r, xmlNodePtr devices)
{
	xmlNodePtr rep, os = child_find(r->root, "os", NULL), type;
	char had[8];
	xmlChar *old;

	restore_element(r, "emulator", devices, "emulator");
	if (rec_has_added(r, "os-type") && (type = child_find(os, "type", NULL))) {
		node_drop(type);
	} else if ((rep = rec_replaced(r, "machine")) && (type = child_find(os, "type", NULL))) {
		old = xmlNodeGetContent(rep);
		if (prop(rep, "had", had, sizeof(had)) && !strcmp(had, "yes"))
			xmlSetProp(type, BAD_CAST "machine", old);
		else
			xmlUnsetProp(type, BAD_CAST "machine");
		xmlFree(old);
	}
	restore_element(r, "cpu", r->root, "cpu");
}

/* With no vNIC left: everything attach added around them goes, and what it replaced comes
 * back. */
static void infra_remove(struct rec *r, xmlNodePtr devices)
{
	xmlNodePtr cmd = qemu_cmdline(r->root), ch;
	int made_metadata = rec_has_added(r, "metadata");

	restore_replaced(r, devices);
	if (rec_has_added(r, "channel") && (ch = agent_channel(devices)))
		node_drop(ch);
	/* ours goes even if a virtio device of the user's is left: the original had no
	 * controller written out, and libvirt adds one for it again by itself */
	if (rec_has_added(r, "virtio-serial") && (ch = virtio_serial_controller(devices)))
		node_drop(ch);
	if (rec_has_added(r, "devices") && devices) {
		int only_ws = 1;
		for (xmlNodePtr c = devices->children; c; c = c->next)
			only_ws &= is_blank(c);
		if (only_ws)
			node_drop(devices);
	}
	if (rec_has_added(r, "commandline") && cmd) {
		int only_ws = 1;
		for (xmlNodePtr c = cmd->children; c; c = c->next)
			only_ws &= is_blank(c);
		if (only_ws)
			node_drop(cmd);
	}
	if (rec_has_added(r, "qemu-ns") && !qemu_cmdline(r->root)) {
		xmlNsPtr *prev = &r->root->nsDef;
		for (xmlNsPtr ns = r->root->nsDef; ns; prev = &ns->next, ns = ns->next)
			if (ns->href && !strcmp((const char *)ns->href, DOMXML_QEMU_NS)) {
				*prev = ns->next;
				ns->next = NULL;
				xmlFreeNs(ns);
				break;
			}
	}
	node_drop(r->self);
	r->self = NULL;
	if (made_metadata) {
		int only_ws = 1;
		for (xmlNodePtr c = r->metadata->children; c; c = c->next)
			only_ws &= is_blank(c);
		if (only_ws)
			node_drop(r->metadata);
	}
}

int domxml_detach(xmlDocPtr doc, const char *id, char *err, size_t errlen)
{
	struct domxml_vnic_spec have[DOMXML_VNICS_MAX];
	xmlDocPtr work = NULL;
	xmlNodePtr devices;
	struct rec r;
	int n, ret = 0;

	n = domxml_list(doc, have, DOMXML_VNICS_MAX, err, errlen);
	if (n < 0)
		return n;
	rec_find(doc, &r);
	if (id && !rec_vnic(&r, id))
		return fail(err, errlen, -ENOENT, "no vNIC \"%s\" from vnfctl in this domain", id);
	if (!id && n == 0)
		return fail(err, errlen, -ENOENT, "no vNIC from vnfctl in this domain");
	/* All or nothing: work on a copy, swap the root in when everything went. */
	work = xmlCopyDoc(doc, 1);
	if (!work)
		return fail(err, errlen, -ENOMEM, "out of memory");
	rec_find(work, &r);
	devices = child_find(r.root, "devices", NULL);
	for (int i = 0; i < n && !ret; i++)
		if (!id || !strcmp(have[i].id, id))
			ret = vnic_remove(&r, devices, rec_vnic(&r, have[i].id), err, errlen);
	if (!ret && !child_find(r.self, "vnic", DOMXML_NS))
		infra_remove(&r, devices);
	if (!ret) {
		xmlNodePtr old = xmlDocSetRootElement(doc, xmlDocCopyNode(r.root, doc, 1));
		xmlFreeNode(old);
	}
	xmlFreeDoc(work);
	return ret;
}

/* ---- new domain from a template ------------------------------------------------------- */

static xmlNodePtr first_disk(xmlNodePtr devices)
{
	char buf[16];

	for (xmlNodePtr c = devices ? devices->children : NULL; c; c = c->next)
		if (node_is(c, "disk", NULL) &&
		    (!prop(c, "device", buf, sizeof(buf)) || strcmp(buf, "disk") == 0))
			return c;
	return NULL;
}

/* Points vNIC v (as recorded) at a new MAC and port, in the record and in the domain. */
static int vnic_update(struct rec *r, xmlNodePtr devices, const struct domxml_vnic_spec *v,
		       const struct domxml_vnic_spec *nv, char *err, size_t errlen)
{
	xmlNodePtr recnode = rec_vnic(r, v->id);

	if (v->kind == DOMXML_VNIC_PTNET) {
		char dev[256], net[256], ndev[256], nnet[256];
		xmlNodePtr a;
		ptnet_args(v, dev, sizeof(dev), net, sizeof(net));
		ptnet_args(nv, ndev, sizeof(ndev), nnet, sizeof(nnet));
		a = args_find(qemu_cmdline(r->root), dev, net);
		if (!a)
			return fail(err, errlen, -EINVAL,
				    "vNIC \"%s\": the template's QEMU arguments do not match its "
				    "record",
				    v->id);
		/* the four args: -device, its value, -netdev, its value */
		for (int k = 0; a && k < 4; a = a->next) {
			if (!node_is(a, "arg", DOMXML_QEMU_NS))
				continue;
			if (k == 1)
				xmlSetProp(a, BAD_CAST "value", BAD_CAST ndev);
			if (k == 3)
				xmlSetProp(a, BAD_CAST "value", BAD_CAST nnet);
			k++;
		}
		xmlSetProp(recnode, BAD_CAST "port", BAD_CAST nv->port);
	} else {
		xmlNodePtr i = iface_by_alias(devices, v->id),
			   m = i ? child_find(i, "mac", NULL) : NULL;
		if (!m)
			return fail(err, errlen, -EINVAL,
				    "vNIC \"%s\": the template has no <interface> with its alias",
				    v->id);
		xmlSetProp(m, BAD_CAST "address", BAD_CAST nv->mac);
		if (v->kind == DOMXML_VNIC_VIRTIO && v->source == DOMXML_SRC_BRIDGE &&
		    strcmp(v->source_name, nv->source_name)) {
			xmlNodePtr src = child_find(i, "source", NULL);
			if (!src)
				return fail(err, errlen, -EINVAL,
					    "vNIC \"%s\": the template's <interface> has no <source>",
					    v->id);
			xmlSetProp(src, BAD_CAST "bridge", BAD_CAST nv->source_name);
			xmlSetProp(recnode, BAD_CAST "name", BAD_CAST nv->source_name);
		}
	}
	xmlSetProp(recnode, BAD_CAST "mac", BAD_CAST nv->mac);
	return 0;
}

int domxml_instantiate(xmlDocPtr doc, const struct domxml_new_opts *o, char *err, size_t errlen)
{
	struct domxml_vnic_spec have[DOMXML_VNICS_MAX];
	xmlDocPtr work;
	xmlNodePtr root, devices, os, n, disk;
	struct rec r;
	char num[16];
	int nv, ptnets = 0, ret = 0;

	if (!o->name || !*o->name || strlen(o->name) > 200 || strchr(o->name, '/'))
		return fail(err, errlen, -EINVAL, "name \"%s\": 1..200 characters without '/'",
			    o->name ? o->name : "");
	if (o->port && (ret = domxml_check_port(o->port, err, errlen)))
		return ret;
	if ((o->initrd || o->cmdline) && !o->kernel)
		return fail(err, errlen, -EINVAL, "--initrd and --cmdline need --kernel");
	nv = domxml_list(doc, have, DOMXML_VNICS_MAX, err, errlen);
	if (nv < 0)
		return nv;
	for (int i = 0; i < nv && i < DOMXML_VNICS_MAX; i++)
		ptnets += have[i].kind == DOMXML_VNIC_PTNET;
	if (o->port && ptnets != 1)
		return fail(err, errlen, -EINVAL,
			    "--port: the template has %d ptnet vNICs (it takes exactly one)",
			    ptnets);
	/* all or nothing: edit a copy */
	work = xmlCopyDoc(doc, 1);
	if (!work)
		return fail(err, errlen, -ENOMEM, "out of memory");
	root = xmlDocGetRootElement(work);
	devices = child_find(root, "devices", NULL);
	os = child_find(root, "os", NULL);
	if (!devices || !os) {
		ret = fail(err, errlen, -EINVAL, "the template has no <%s> element",
			   devices ? "os" : "devices");
		goto out;
	}
	text_set(root, "name", o->name);
	if ((n = child_find(root, "uuid", NULL)))
		node_drop(n);
	if (o->memory_mib) {
		snprintf(num, sizeof(num), "%u", o->memory_mib);
		text_set(root, "memory", num);
		xmlSetProp(child_find(root, "memory", NULL), BAD_CAST "unit", BAD_CAST "MiB");
		if ((n = child_find(root, "currentMemory", NULL))) {
			text_set(root, "currentMemory", num);
			xmlSetProp(n, BAD_CAST "unit", BAD_CAST "MiB");
		}
	}
	if (o->vcpus) {
		snprintf(num, sizeof(num), "%u", o->vcpus);
		text_set(root, "vcpu", num);
	}
	if (o->accel && strcmp(o->accel, "kvm") && strcmp(o->accel, "tcg")) {
		ret = fail(err, errlen, -EINVAL, "--accel \"%s\": accepted: kvm, tcg", o->accel);
		goto out;
	}
	if (o->accel) {
		/* under TCG there is no host CPU to pass through: QEMU's "max" model instead */
		int tcg = !strcmp(o->accel, "tcg");
		xmlSetProp(root, BAD_CAST "type", BAD_CAST(tcg ? "qemu" : "kvm"));
		char mode[32];
		n = child_find(root, "cpu", NULL);
		if (tcg && n && prop(n, "mode", mode, sizeof(mode)) &&
		    !strcmp(mode, "host-passthrough"))
			xmlSetProp(n, BAD_CAST "mode", BAD_CAST "maximum");
	}
	if (o->disk && !strcmp(o->disk, "none")) {
		while ((disk = first_disk(devices)))
			node_drop(disk);
	} else if (o->disk) {
		disk = first_disk(devices);
		n = disk ? child_find(disk, "source", NULL) : NULL;
		if (!n) {
			ret = fail(err, errlen, -EINVAL,
				   "--disk: the template has no disk with a <source>");
			goto out;
		}
		xmlSetProp(n, BAD_CAST "file", BAD_CAST o->disk);
	}
	if (o->kernel)
		text_set(os, "kernel", o->kernel);
	if (o->initrd)
		text_set(os, "initrd", o->initrd);
	if (o->cmdline)
		text_set(os, "cmdline", o->cmdline);
	rec_find(work, &r);
	for (int i = 0; i < nv && !ret; i++) {
		struct domxml_vnic_spec upd = have[i];
		mac_derive(root, upd.id, upd.mac);
		if (o->port && upd.kind == DOMXML_VNIC_PTNET)
			snprintf(upd.port, sizeof(upd.port), "%s", o->port);
		if (o->bridge && upd.kind == DOMXML_VNIC_VIRTIO && upd.source == DOMXML_SRC_BRIDGE)
			snprintf(upd.source_name, sizeof(upd.source_name), "%s", o->bridge);
		ret = vnic_update(&r, devices, &have[i], &upd, err, errlen);
	}
	if (!ret) {
		xmlNodePtr old = xmlDocSetRootElement(doc, xmlDocCopyNode(root, doc, 1));
		xmlFreeNode(old);
	}
out:
	xmlFreeDoc(work);
	return ret;
}
