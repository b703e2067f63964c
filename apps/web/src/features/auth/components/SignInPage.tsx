import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { usePageTitle } from '../../../components/usePageTitle';
import { ApiError, describeError } from '../../../lib/api/problem';
import { type Credentials, useLogin } from '../api/login';

/** Staff sign-in (UI.md: inputs Email and Password, a button Sign in). */
export default function SignInPage() {
  usePageTitle('Sign in');
  const login = useLogin();
  const form = useForm<Credentials>({
    mode: 'uncontrolled',
    initialValues: { email: '', password: '' },
    validate: {
      email: (v) => (/^\S+@\S+$/.test(v.trim()) ? null : 'Enter the email address you sign in with'),
      password: (v) => (v.length > 0 ? null : 'Enter your password'),
    },
  });

  const submit = form.onSubmit(
    (values) =>
      login.mutate(values, {
        onError: (error) => {
          // Field errors of the API go onto their fields; the rest shows above the form.
          for (const e of error instanceof ApiError ? (error.problem.errors ?? []) : []) form.setFieldError(e.path, e.message);
        },
      }),
    (errors) => {
      const first = Object.keys(errors)[0];
      if (first) document.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
    },
  );

  return (
    <Center component="main" mih="100vh" p="md" bg="gray.0">
      <Paper component="section" withBorder shadow="sm" p="xl" w="100%" maw={420} aria-labelledby="sign-in-title">
        <form onSubmit={submit} noValidate>
          <fieldset disabled={login.isPending} style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }}>
            <Stack gap="md">
              <div>
                <Title order={1} id="sign-in-title" size="h2">
                  Sign in to Chairtime
                </Title>
                <Text c="gray.7" size="sm" mt={4}>
                  Staff console for the clinic day
                </Text>
              </div>
              {login.isError && (
                <Alert color="red" variant="light" title="Sign-in failed" role="alert">
                  {describeError(login.error)}
                </Alert>
              )}
              <TextInput
                label="Email"
                type="email"
                autoComplete="username"
                required
                autoFocus
                {...form.getInputProps('email')}
                key={form.key('email')}
                name="email"
              />
              <PasswordInput
                label="Password"
                autoComplete="current-password"
                required
                // Not "Toggle password visibility": the field alone answers to the label Password (UI.md).
                visibilityToggleButtonProps={{ 'aria-label': 'Show or hide what you typed' }}
                {...form.getInputProps('password')}
                key={form.key('password')}
                name="password"
              />
              <Button type="submit" size="md" loading={login.isPending} fullWidth>
                Sign in
              </Button>
            </Stack>
          </fieldset>
        </form>
      </Paper>
    </Center>
  );
}
