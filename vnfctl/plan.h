/* A plan file: the whole VNF topology of a host in one JSON document (docs/plan.md), and the
 * steps that bring it up.  Pure: text in, a checked plan and its steps out; no I/O.
 *
 * Every step is a vnfctl command line (the same commands a user runs by hand, run in-process
 * by vnfctl up), with the command that undoes it and the probe that tells whether it is done
 * already.  Errors name the exact place of a bad field: "vms[1].dataplane.workers: ...". */
#ifndef VNFCTL_PLAN_H
#define VNFCTL_PLAN_H
#include <stddef.h>
#include <json-c/json.h>

#define PLAN_ARGS_MAX  40
#define PLAN_STEPS_MAX 512
#define PLAN_ERR_PATH  128

/* What a probe asks before a step runs: is its effect there already? */
enum plan_probe {
	PROBE_NONE = 0,	 /* always run */
	PROBE_IFACE,	 /* an interface named arg exists (a persistent VALE port) */
	PROBE_VALE_PORT, /* SWITCH:PORT arg is on its switch */
	PROBE_NIC,	 /* the NIC already has what nic setup would set (nic setup --check) */
	PROBE_DOMAIN,	 /* domain arg is defined */
	PROBE_VNIC,	 /* domain arg has the vNIC arg2 */
	PROBE_RUNNING,	 /* domain arg runs */
	PROBE_DEPLOYED,	 /* domain arg has this binary and config installed (deploy record) */
	PROBE_DATAPLANE, /* domain arg's dataplane runs */
	PROBE_VALE_HASH, /* vnf_vale_rss is on switch arg2 with "KEYHEX RINGS" arg */
	PROBE_NETMAP,	 /* netmap's parameters have what tune "SLOTS RINGS PIPES EXTRA PORTS" sets */
};

struct plan_step {
	char what[96];		   /* "vale create v1", "deploy vnf1" */
	char *argv[PLAN_ARGS_MAX]; /* vnfctl GROUP [VERB] ARGS..., NULL-terminated */
	char *undo[PLAN_ARGS_MAX]; /* the command that undoes it; undo[0] NULL: nothing */
	enum plan_probe probe;
	char probe_arg[256], probe_arg2[64];
	int vm; /* index of the VM it belongs to, -1 for host steps */
};

struct plan {
	json_object *root; /* the document (owned) */
	char uri[256];	   /* host.libvirt_uri, "" for vnfctl's default */
	char name[64];	   /* the plan's name: its "name" member */
	unsigned n_vms;
	struct plan_step *steps; /* argument strings owned, freed by plan_free */
	unsigned n_steps;
};

/* Parses and checks text; state_dir is where vnfctl up writes each VM's dataplane config
 * (STATE/NAME/VM.dp.json, named in the deploy steps).  0, or -EINVAL with err "PATH: what is
 * wrong" and the plan freed. */
int plan_parse(const char *text, size_t len, const char *state_dir, struct plan *p, char *err,
	       size_t errlen);
void plan_free(struct plan *p);
/* The dataplane config of VM i as JSON text (caller frees), and VM i's name. */
char *plan_vm_dataplane(const struct plan *p, unsigned i);
const char *plan_vm_name(const struct plan *p, unsigned i);
/* The path of VM i's dataplane config under state_dir, as the deploy step names it. */
void plan_vm_config_path(const struct plan *p, const char *state_dir, unsigned i, char *out,
			 size_t len);
/* argv as one line, words with spaces quoted. */
void plan_argv_line(char *const *argv, char *out, size_t len);

#endif
