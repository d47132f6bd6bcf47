// SPDX-License-Identifier: GPL-2.0
/*
 * vfiohold: hold a VF through VFIO exactly as QEMU does for a guest, and
 * let go when told.
 *
 *   vfiohold ADDR FIFO    open the container (/dev/vfio/vfio) and the VF's
 *                         group, attach the group (VFIO_GROUP_SET_CONTAINER),
 *                         choose type1 (VFIO_SET_IOMMU), open the device
 *                         (VFIO_GROUP_GET_DEVICE_FD); print "held ADDR",
 *                         then keep it all open until a line can be read
 *                         from FIFO, and close
 *
 * No request channel is set up (VFIO_DEVICE_SET_IRQS with the REQ index),
 * so vfio can only wait when the kernel wants the device back: a removal
 * of the VF waits inside vfio for as long as this holds it, the way it
 * waits for a VM. Needs vfio_iommu_type1 (and, without interrupt
 * remapping, its allow_unsafe_interrupts=1).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vfio.h>

static int die(const char *what)
{
	fprintf(stderr, "vfiohold: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char link[PATH_MAX], path[PATH_MAX + 32], line[16];
	int container, group, device;
	ssize_t n;
	FILE *fifo;

	if (argc != 3) {
		fprintf(stderr, "usage: vfiohold ADDR FIFO\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 argv[1]);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return die(path);
	link[n] = '\0';
	container = open("/dev/vfio/vfio", O_RDWR);
	if (container < 0)
		return die("/dev/vfio/vfio");
	snprintf(path, sizeof(path), "/dev/vfio/%s", basename(link));
	group = open(path, O_RDWR);
	if (group < 0)
		return die(path);
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &status))
		return die("VFIO_GROUP_GET_STATUS");
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		fprintf(stderr, "vfiohold: group %s is not viable\n", path);
		return 1;
	}
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container))
		return die("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU))
		return die("VFIO_SET_IOMMU");
	device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, argv[1]);
	if (device < 0)
		return die("VFIO_GROUP_GET_DEVICE_FD");
	printf("held %s\n", argv[1]);
	fflush(stdout);

	fifo = fopen(argv[2], "r");
	if (!fifo)
		return die(argv[2]);
	if (!fgets(line, sizeof(line), fifo))
		line[0] = '\0';
	fclose(fifo);
	close(device);
	close(group);
	close(container);
	printf("released %s\n", argv[1]);
	return 0;
}
