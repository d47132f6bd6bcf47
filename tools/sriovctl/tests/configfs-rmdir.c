// SPDX-License-Identifier: GPL-2.0
/*
 * An LD_PRELOAD stand-in for configfs' rmdir in fixture trees: configfs
 * removes an item's directory with its attribute files in it, a plain
 * directory must be empty. Files directly in the directory are removed
 * first; a subdirectory (a group's child) still refuses, as configfs
 * does.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>

int rmdir(const char *path)
{
	int (*real)(const char *) = (int (*)(const char *))dlsym(RTLD_NEXT, "rmdir");
	char file[4096];
	struct dirent *d;
	DIR *dir = opendir(path);

	if (dir) {
		while ((d = readdir(dir))) {
			if (d->d_type != DT_REG)
				continue;
			snprintf(file, sizeof(file), "%s/%s", path, d->d_name);
			unlink(file);
		}
		closedir(dir);
	}
	return real(path);
}
