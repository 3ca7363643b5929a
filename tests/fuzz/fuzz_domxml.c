/* libFuzzer target: vnfctl's offline domain XML rewrite on arbitrary input.  Byte 0 picks the
 * edit (ptnet, virtio or hostdev attach, with or without an id), the rest is the XML, parsed
 * with no network and no entity expansion.  Properties, trapped when violated: an edit that
 * succeeds gives XML that parses again; attaching again changes nothing; detaching everything
 * after the attach gives the original back canonically; a failed edit leaves the tree as it
 * was. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/c14n.h>
#include <libxml/parser.h>
#include "domxml.h"

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

static char *canon(xmlDocPtr doc)
{
	xmlChar *out = NULL;
	if (xmlC14NDocDumpMemory(doc, NULL, XML_C14N_1_0, NULL, 0, &out) < 0)
		return NULL;
	return (char *)out;
}

static char *dump(xmlDocPtr doc)
{
	return domxml_dump(doc, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct domxml_attach_opts o;
	char err[512], *before, *before_c, *after, *again, *back_c;
	xmlDocPtr doc, re;

	if (size < 2)
		return 0;
	memset(&o, 0, sizeof(o));
	switch (data[0] % 3) {
	case 0:
		o.vnic.kind = DOMXML_VNIC_PTNET;
		strcpy(o.vnic.port, "vale0:fuzz");
		if (data[0] & 0x10)
			o.machine = "pc-i440fx-2.12";
		if (data[0] & 0x20)
			o.cpu_model = "Haswell";
		if (data[0] & 0x40)
			o.emulator = "/opt/q/bin/qemu";
		break;
	case 1:
		o.vnic.kind = DOMXML_VNIC_VIRTIO;
		o.vnic.source = (enum domxml_source)((data[0] >> 4) % 3);
		strcpy(o.vnic.source_name, "br0");
		o.vnic.queues = data[0] >> 6;
		break;
	default:
		o.vnic.kind = DOMXML_VNIC_HOSTDEV;
		strcpy(o.vnic.pci, "0000:03:10.1");
		break;
	}
	if (data[0] & 0x08)
		strcpy(o.vnic.id, "net0");
	doc = domxml_parse((const char *)data + 1, size - 1, err, sizeof(err));
	if (!doc)
		return 0;
	before = dump(doc);
	before_c = canon(doc);
	if (domxml_attach(doc, &o, err, sizeof(err)) != 0) {
		after = dump(doc);
		REQUIRE(before && after && strcmp(before, after) == 0);
		goto out_attach_failed;
	}
	after = dump(doc);
	REQUIRE(after);
	re = domxml_parse(after, strlen(after), err, sizeof(err));
	REQUIRE(re);
	xmlFreeDoc(re);
	REQUIRE(domxml_attach(doc, &o, err, sizeof(err)) == 0);
	again = dump(doc);
	REQUIRE(again && strcmp(after, again) == 0);
	xmlFree(again);
	if (domxml_detach(doc, NULL, err, sizeof(err)) == 0) {
		/* C14N refuses some inputs (relative namespace URIs): then the text must match */
		if (before_c) {
			back_c = canon(doc);
			REQUIRE(back_c && strcmp(before_c, back_c) == 0);
			xmlFree(back_c);
		} else {
			char *back = dump(doc);
			REQUIRE(back && strcmp(before, back) == 0);
			xmlFree(back);
		}
	} else {
		/* only a record the input itself carried may refuse: it was there before */
		REQUIRE(strstr(before, DOMXML_NS) != NULL);
	}
out_attach_failed:
	xmlFree(after);
	xmlFree(before);
	xmlFree(before_c);
	xmlFreeDoc(doc);
	return 0;
}
