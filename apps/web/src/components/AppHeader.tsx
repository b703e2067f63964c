import type { ReactNode } from 'react';
import { Box, Button, Group, Text } from '@mantine/core';
import { useMe } from '../features/auth/api/get-me';
import { useSignOut } from '../features/auth/api/logout';

const ROLE_LABEL: Record<string, string> = {
  admin: 'Admin',
  scheduler: 'Scheduler',
  nurse: 'Nurse',
  clinician: 'Clinician',
  patient: 'Patient',
};

/** The top bar of every signed-in staff page: product, clinic, the user, and Sign out. */
export function AppHeader({ clinic }: { clinic: ReactNode }) {
  const me = useMe();
  const signOut = useSignOut();
  return (
    <Box component="header" px="md" py="xs" bg="teal.9" c="white">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="md" wrap="wrap">
          <Text fw={700} size="lg" component="span">
            Chairtime
          </Text>
          {clinic}
        </Group>
        <Group gap="sm" wrap="nowrap">
          {me.data && (
            <Text size="sm" component="span" visibleFrom="xs">
              {me.data.email} · {ROLE_LABEL[me.data.role] ?? me.data.role}
            </Text>
          )}
          <Button variant="white" color="teal.9" size="xs" onClick={() => signOut.mutate()} loading={signOut.isPending}>
            Sign out
          </Button>
        </Group>
      </Group>
    </Box>
  );
}
