import { Anchor, Container, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { usePageTitle } from './usePageTitle';

export default function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <Container size="sm" py="xl" component="main">
      <Stack>
        <Title order={1}>This page is not here yet</Title>
        <Text>The address may be mistyped, or this part of Chairtime is still being built.</Text>
        <Anchor component={Link} to="/board">
          Go to the day board
        </Anchor>
      </Stack>
    </Container>
  );
}
